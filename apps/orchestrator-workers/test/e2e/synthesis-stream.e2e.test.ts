/**
 * The streamed synthesis end to end: the answer reaches SSE and WebSocket clients as `synthesis.delta`
 * events while the scripted model streams it, a retried synthesis resets them, and the durable result
 * is still the whole answer with the references its markers name. Also a subtask the plan gives the
 * big model runs on it.
 */
import type { ProgressEvent } from "@ow/schemas";
import { llmSubtask } from "@ow/schemas/testing";
import {
	connectModelServer,
	readProgressSse,
	readProgressWebSocket,
	readRun,
	startRun,
	waitForRun,
	type Reply,
} from "@ow/testing";
import { chromium } from "playwright-core";
import { describe, expect, inject, it } from "vitest";

const PLANNER = "You are the planner";
const SYNTHESISER = "You combine the results";
const subtask = (id: string) => `Your subtask: Subtask ${id}\n`;
const models = connectModelServer(inject("modelURL"));
const dev = { url: inject("devURL") };
const tokens = (prompt_tokens: number, completion_tokens: number) => ({ prompt_tokens, completion_tokens });

const ANSWER =
	"Both facts hold. The first subtask found that A is one [a]. The second found that B is two [b]. " +
	"Together they say A plus B is three [a].";
/** Streamed in small pieces with a pause before each, so clients see the answer arrive. */
const PACED = { chunkChars: 12, chunkDelayMs: 60 };

/** A run of two subtasks whose synthesis answers `synthesis` in turn; returns the run id. */
async function startSynthesisRun(
	synthesis: Reply[],
	plan = [llmSubtask("a"), llmSubtask("b")],
	approvePlan = false,
): Promise<string> {
	const id = `scn-${crypto.randomUUID()}`;
	await models.defineScenario({
		id,
		rules: [
			{ match: PLANNER, replies: [{ kind: "json", value: { subtasks: plan } }] },
			{ match: subtask("a"), replies: [{ kind: "text", text: "A is one." }] },
			{ match: subtask("b"), replies: [{ kind: "text", text: "B is two." }] },
			{ match: SYNTHESISER, replies: synthesis },
		],
	});
	return startRun(dev.url, { prompt: `What are A and B? [${id}]`, options: { approvePlan } });
}

/** The text a client holds at the end: a reset clears it, a delta adds to it. */
function streamedText(events: ProgressEvent[]): string {
	return events.reduce(
		(text, e) => (e.type === "synthesis.reset" ? "" : e.type === "synthesis.delta" ? text + String(e.data.text) : text),
		"",
	);
}

/** Deltas come before the run's end, and the run ends with the whole answer. */
function expectStreamedAnswer(events: ProgressEvent[]) {
	const types = events.map((e) => e.type);
	expect(types.at(-1)).toBe("run.completed");
	expect(types.filter((t) => t === "synthesis.delta").length).toBeGreaterThanOrEqual(2);
	expect(types.lastIndexOf("synthesis.delta")).toBeLessThan(types.indexOf("run.completed"));
	expect(streamedText(events)).toBe(ANSWER);
	expect(events.at(-1)?.data.result).toMatchObject({ answer: ANSWER });
}

describe("streamed synthesis through the dev server", () => {
	it("should stream the answer to SSE and WebSocket clients, adding up to the answer with its references", async () => {
		const runId = await startSynthesisRun([{ kind: "text", text: ANSWER, stream: PACED, usage: tokens(400, 40) }]);
		const [sse, ws] = await Promise.all([
			readProgressSse(dev.url, runId),
			readProgressWebSocket(dev.url, runId, { closeAtEnd: true }),
		]);

		expectStreamedAnswer(sse.events);
		expectStreamedAnswer(ws.events);
		// Live-only events are no resume point: no SSE id, and the seq of the last logged event.
		const deltas = sse.frames.filter((f) => f.event === "synthesis.delta");
		expect(deltas.every((f) => f.id === undefined || f.id === "")).toBe(true);
		expect(sse.events.filter((e) => e.type.startsWith("synthesis.")).map((e) => e.seq)).not.toContain(0);

		const run = await readRun(dev.url, runId);
		expect(run.status).toBe("complete");
		expect(run.result).toEqual({
			answer: ANSWER,
			references: [
				{ subtaskId: "a", url: null },
				{ subtaskId: "b", url: null },
			],
		});
		// A streamed call's usage reaches the ledger like any other.
		expect(run.usage.byStep?.synthesise).toMatchObject({ inputTokens: 400, outputTokens: 40, calls: 1 });
		// A client that connects after the end gets the whole answer with run.completed, and no deltas.
		const late = await readProgressSse(dev.url, runId);
		expect(late.events.filter((e) => e.type.startsWith("synthesis."))).toEqual([]);
		expect(late.events.at(-1)?.data.result).toEqual(run.result);
	});

	it("should reset clients when a synthesis that failed mid-stream is retried, and still add up", async () => {
		const runId = await startSynthesisRun([
			// A server error sent inside the stream, then a dropped connection, then the whole answer.
			{ kind: "text", text: ANSWER, stream: { ...PACED, failAfterChunks: 3 } },
			{ kind: "text", text: ANSWER, stream: { ...PACED, dropAfterChunks: 4 } },
			{ kind: "text", text: ANSWER, stream: PACED },
		]);
		const [sse, ws] = await Promise.all([
			readProgressSse(dev.url, runId),
			readProgressWebSocket(dev.url, runId, { closeAtEnd: true }),
		]);
		expect((await readRun(dev.url, runId)).error).toBeNull();

		for (const events of [sse.events, ws.events]) {
			expectStreamedAnswer(events);
			expect(events.map((e) => e.type)).toContain("synthesis.reset");
		}
		const run = await readRun(dev.url, runId);
		expect(run.usage.byStep?.synthesise?.attempts?.map((a) => a.outcome)).toEqual(["failed", "failed", "succeeded"]);
	});

	it("should render the answer on the page as it is written", async () => {
		// The run waits for its plan's approval, so the page is surely open before the synthesis starts.
		const runId = await startSynthesisRun([{ kind: "text", text: ANSWER, stream: PACED }], undefined, true);
		await waitForRun(dev.url, runId, ["waiting"]);
		const browser = await chromium.launch({
			executablePath: "/usr/bin/chromium",
			args: ["--no-sandbox", "--headless=new"],
		});
		try {
			const page = await browser.newPage();
			page.setDefaultTimeout(30_000);
			// Records every text the answer shows, so a state shown for a moment is not missed.
			await page.addInitScript(`
				window.__answers = [];
				addEventListener("DOMContentLoaded", () => {
					const answer = document.getElementById("answer");
					new MutationObserver(() => window.__answers.push(answer.textContent)).observe(answer, {
						childList: true,
						characterData: true,
						subtree: true,
					});
				});
			`);
			await page.goto(`${dev.url}/ui#${runId}`);
			await page.getByText("Status: waiting").waitFor();
			const approved = await fetch(`${dev.url}/${runId}/approve`, {
				method: "POST",
				headers: { "content-type": "application/json" },
				body: JSON.stringify({ approved: true }),
			});
			expect(approved.status).toBe(202);
			await page.getByText("Status: complete").waitFor();
			const shown = (await page.evaluate("window.__answers")) as string[];
			// Part of the answer was on the page before all of it.
			expect(shown.some((text) => text.length > 0 && text.length < ANSWER.length && ANSWER.startsWith(text))).toBe(
				true,
			);
			expect(await page.locator("#answer").textContent()).toBe(ANSWER);
			expect(await page.locator("#references").getByRole("link").allTextContents()).toEqual(["a", "b"]);
		} finally {
			await browser.close();
		}
	});

	it("should run a subtask the plan gives the big model on it, and show it in usage by model", async () => {
		const runId = await startSynthesisRun(
			[{ kind: "text", text: "A and B [a] [b].", usage: tokens(50, 5) }],
			[{ ...llmSubtask("a"), model: "big" }, llmSubtask("b")],
		);
		const run = await waitForRun(dev.url, runId);
		expect(run.status).toBe("complete");
		// Plan, subtask a and synthesis on the big model; only b on the small one.
		expect(run.usage.byModel.big?.calls).toBe(3);
		expect(run.usage.byModel.small?.calls).toBe(1);
		expect(run.plan?.subtasks.find((t) => t.id === "a")?.model).toBe("big");
	});
});
