import type { ProgressEvent } from "@ow/schemas";
import { llmSubtask } from "@ow/schemas/testing";
import {
	connectModelServer,
	readProgressSse,
	readProgressWebSocket,
	startRun,
	waitForRun,
	type Reply,
	type SseProgress,
} from "@ow/testing";
import { describe, expect, inject, it } from "vitest";

const PLANNER = "You are the planner";
const SYNTHESISER = "You combine the results";
const subtask = (id: string) => `Your subtask: Subtask ${id}\n`;
const models = connectModelServer(inject("modelURL"));
const dev = { url: inject("devURL") };

/** A run of two parallel subtasks and one after both; `delayMs` per subtask call. */
async function startScenarioRun(delayMs: number): Promise<string> {
	const id = `scn-${crypto.randomUUID()}`;
	const slow = (text: string): Reply => ({ kind: "text", text, delayMs });
	await models.defineScenario({
		id,
		rules: [
			{
				match: PLANNER,
				replies: [
					{ kind: "json", value: { subtasks: [llmSubtask("a"), llmSubtask("b"), llmSubtask("c", ["a", "b"])] } },
				],
			},
			...["a", "b", "c"].map((t) => ({ match: subtask(t), replies: [slow(`result ${t}`)] })),
			{ match: SYNTHESISER, replies: [{ kind: "json", value: { answer: "a, b and c", references: [] } }] },
		],
	});
	return startRun(dev.url, { prompt: `Three facts, please. [${id}]` });
}

/** The logged events, without the live-only synthesis text (synthesis-stream.e2e.test.ts tests those). */
const logged = (events: ProgressEvent[]) => events.filter((e) => !e.type.startsWith("synthesis."));

/** Asserts the shape of a whole run's logged events: ordered, unique, ending in run.completed. */
function expectWholeRun(all: ProgressEvent[], runId: string) {
	const events = logged(all);
	// In order and never twice.
	expect(events.every((e, i) => i === 0 || e.seq > events[i - 1]!.seq)).toBe(true);
	expect(events.every((e) => e.runId === runId)).toBe(true);
	const types = events.map((e) => e.type);
	expect(types[0]).toBe("run.status");
	expect(types).toContain("plan.ready");
	expect(types.filter((t) => t === "subtask.started")).toHaveLength(3);
	expect(types.filter((t) => t === "subtask.succeeded")).toHaveLength(3);
	expect(events.at(-1)).toMatchObject({ type: "run.completed", data: { result: { answer: "a, b and c" } } });
	expect(events.findLast((e) => e.type === "subtask.succeeded")?.data.progress).toEqual({ done: 3, total: 3 });
}

describe("live progress through the dev server", () => {
	it("should stream a whole run live over SSE and WebSocket, and resume a client mid-run", async () => {
		const runId = await startScenarioRun(1500);
		const arrivals: number[] = [];
		let resumed: Promise<SseProgress> | undefined;
		let resumeAfter: ProgressEvent | undefined;

		const [sse, ws] = await Promise.all([
			readProgressSse(dev.url, runId, {
				onEvent: (event, at) => {
					arrivals.push(at);
					// Mid-run: a second client that saw the first two events reconnects with Last-Event-ID.
					if (event.type === "subtask.started" && !resumed) {
						resumeAfter = event;
						resumed = readProgressSse(dev.url, runId, { lastEventId: event.seq });
					}
				},
			}),
			readProgressWebSocket(dev.url, runId),
		]);

		expect(sse.status).toBe(200);
		expectWholeRun(sse.events, runId);
		const frames = sse.frames.filter((f) => !f.event?.startsWith("synthesis."));
		expect(frames.map((f) => f.id)).toEqual(logged(sse.events).map((e) => String(e.seq)));
		expect(frames.map((f) => f.event)).toEqual(logged(sse.events).map((e) => e.type));
		// Live, not replayed at the end: the first event arrived well before the run completed.
		expect(Date.parse(sse.events.at(-1)!.at) - arrivals[0]!).toBeGreaterThan(1000);
		expect(logged(ws.events)).toEqual(logged(sse.events));
		expect(ws.code).toBe(1000);
		const mid = await resumed!;
		expect(logged(mid.events)).toEqual(logged(sse.events).filter((e) => e.seq > resumeAfter!.seq));
	});

	it("should give a client that connects after the run ended what it missed, in order", async () => {
		const runId = await startScenarioRun(0);
		expect((await waitForRun(dev.url, runId)).status).toBe("complete");

		const sse = await readProgressSse(dev.url, runId);
		const ws = await readProgressWebSocket(dev.url, runId);
		const cut = sse.events[3]!.seq;
		const sseAfter = await readProgressSse(dev.url, runId, { lastEventId: cut });
		const wsAfter = await readProgressWebSocket(dev.url, runId, { lastEventId: cut });
		const caughtUp = await readProgressSse(dev.url, runId, { lastEventId: sse.events.at(-1)!.seq });

		expectWholeRun(sse.events, runId);
		expect(ws.events).toEqual(sse.events);
		expect(ws.code).toBe(1000);
		expect(sseAfter.events).toEqual(sse.events.slice(4));
		expect(wsAfter.events).toEqual(sse.events.slice(4));
		expect(caughtUp.status).toBe(204);
	});
});
