/**
 * Usage as each step attempt ends, failed attempts included, and the browser subtask's page step.
 * Real Workflow, D1 and R2 in workerd; the scripted model server answers over HTTP.
 */
import { env, exports } from "cloudflare:workers";
import { browserSubtask, llmSubtask } from "@ow/schemas/testing";
import type { Reply } from "@ow/testing";
import { describe, expect, it } from "vitest";
import { readConfig } from "../src/config";
import { readEvents, storeOf } from "./read-events";
import { recordRestart } from "../src/registry/lifecycle";
import { insertRuns, type NewRun } from "../src/registry/run-admission";
import { readRunStatus } from "../src/registry/run-view";
import { recordAttemptUsage } from "../src/registry/usage-ledger";
import { newRunId } from "../src/runs/run-id";
import { acceptRequest } from "../src/runs/start-runs";
import { keepPageText, PAGE_TEXT_INLINE_BYTES, pageTextOf } from "../src/workflows/browser-subtask";
import { STEP } from "../src/workflows/run-context";
import { getStatus, runToEnd, startRun, waitForRunStatus, watchRuns } from "./run-helpers";
import { CALL, failure, plan, scenario, synthesis } from "./scenario";

const insertRun = (db: D1Database, run: NewRun) => insertRuns(db, [run]);

const answerValue = { answer: "done", references: [] };
const answer = synthesis(answerValue);
const usage = (prompt_tokens: number, completion_tokens: number) => ({ prompt_tokens, completion_tokens });
/** A JSON answer whose usage the provider reports as given. */
const json = (value: unknown, spent: ReturnType<typeof usage>): Reply => ({ kind: "json", value, usage: spent });

describe("run usage", () => {
	it("should count the tokens of a failed attempt and list it by step", async () => {
		const s = await scenario([
			{ match: CALL.plan, replies: [json({ subtasks: [llmSubtask("a")] }, usage(100, 10))] },
			{ match: CALL.subtask("a"), replies: [{ kind: "text", text: "A", usage: usage(20, 2) }] },
			{
				match: CALL.synthesise,
				// An answer that breaks the schema but whose usage the provider reported, then a good one.
				replies: [
					{ kind: "malformed", content: '{"answer": oops', usage: usage(300, 30) },
					json(answerValue, usage(400, 40)),
				],
			},
		]);
		const { id, status } = await runToEnd({ prompt: s.prompt() });

		expect(status.status).toBe("complete");
		expect(status.usage).toMatchObject({ inputTokens: 820, outputTokens: 82, calls: 4, unknownCalls: 0 });
		expect(status.usage.byModel.big).toEqual({ inputTokens: 800, outputTokens: 80, calls: 3 });
		expect(status.usage.byStep?.[STEP.synthesise]).toMatchObject({
			inputTokens: 700,
			outputTokens: 70,
			calls: 2,
			attempts: [
				{ attempt: 1, outcome: "failed", inputTokens: 300, outputTokens: 30, calls: 1, unknownCalls: 0 },
				{ attempt: 2, outcome: "succeeded", inputTokens: 400, outputTokens: 40, calls: 1, unknownCalls: 0 },
			],
		});
		// The failed attempt is in the cost too: 800 in and 80 out at the big model's 3 and 15 $/MTok.
		expect(status.cost?.byModel.big).toBeCloseTo((800 * 3 + 80 * 15) / 1e6, 12);
		const spent = (await readEvents(storeOf(id), id)).filter((e) => e.type === "run.usage").map((e) => e.data);
		expect(spent.map((d) => [d.step, d.attempt, d.outcome])).toEqual([
			["plan", 1, "succeeded"],
			["subtask:a", 1, "succeeded"],
			["synthesise", 1, "failed"],
			["synthesise", 2, "succeeded"],
		]);
	});

	it("should count a call that failed without usage as unknown, keeping the known tokens", async () => {
		const s = await scenario([
			{ match: CALL.plan, replies: [json({ subtasks: [llmSubtask("a")] }, usage(100, 10))] },
			{ match: CALL.subtask("a"), replies: [failure(500), { kind: "text", text: "A", usage: usage(20, 2) }] },
			{ match: CALL.synthesise, replies: [json(answerValue, usage(50, 5))] },
		]);
		const { status } = await runToEnd({ prompt: s.prompt() });

		expect(status.usage).toMatchObject({ inputTokens: 170, outputTokens: 17, calls: 4, unknownCalls: 1 });
		expect(status.usage.byStep?.["subtask:a"]?.attempts).toEqual([
			{ attempt: 1, outcome: "failed", inputTokens: 0, outputTokens: 0, calls: 1, unknownCalls: 1 },
			{ attempt: 2, outcome: "succeeded", inputTokens: 20, outputTokens: 2, calls: 1, unknownCalls: 0 },
		]);
	});

	it("should count a plan that failed for good, on an errored run", async () => {
		const invalid = json({ subtasks: [llmSubtask("a", ["ghost"])] }, usage(10, 1));
		const s = await scenario([{ match: CALL.plan, replies: [invalid] }]);
		const { status } = await runToEnd({ prompt: s.prompt() }, "errored");

		expect(status.error?.code).toBe("plan-invalid");
		expect(status.usage).toMatchObject({ inputTokens: 20, outputTokens: 2, calls: 2 });
		expect(Object.keys(status.usage.byStep ?? {})).toEqual([STEP.plan, STEP.repairPlan]);
	});
});

describe("the usage ledger", () => {
	it("should count an attempt once however often it is written, and again in a new generation", async () => {
		const id = newRunId();
		const at = new Date().toISOString();
		const options = acceptRequest(readConfig(env), { prompt: "p" }).options;
		const models = { provider: "openai-compatible" as const, big: "big", small: "small", baseURL: null };
		await insertRun(env.DB, { id, prompt: "p", options, promptVersion: "v", models, createdAt: at });
		const spent = {
			inputTokens: 10,
			outputTokens: 1,
			calls: 1,
			byModel: { big: { inputTokens: 10, outputTokens: 1, calls: 1 } },
		};
		const attempt = { step: "plan", attempt: 1, outcome: "succeeded" as const, usage: spent, unknownCalls: 0 };

		// A replayed step, or a record step redoing a write that did land: the same attempt again.
		await recordAttemptUsage(env.DB, id, attempt, at);
		await recordAttemptUsage(env.DB, id, attempt, at);
		expect((await readRunStatus(env.DB, id))?.usage).toMatchObject({ inputTokens: 10, calls: 1 });

		// A restart is a new generation: its attempts are new spending.
		await recordRestart(env.DB, id, { from: "start" }, at);
		await recordAttemptUsage(env.DB, id, attempt, at);
		const usage = (await readRunStatus(env.DB, id))?.usage;
		expect(usage).toMatchObject({ inputTokens: 20, calls: 2 });
		expect(usage?.byStep?.plan?.attempts).toHaveLength(2);
	});
});

describe("browser subtask steps", () => {
	it("should redo a failed browser subtask from its page step with ?from=subtask:<id>", async () => {
		// The test pool's harness binding answers like an unreachable harness: the page step fails.
		const s = await scenario([
			{ match: CALL.plan, replies: [plan({ subtasks: [browserSubtask("page", "https://example.com/")] })] },
			{ match: CALL.synthesise, replies: [answer] },
		]);
		await using watch = await watchRuns();
		const { id, instance } = await startRun(watch, { prompt: s.prompt() });
		await instance.waitForStatus("complete");
		const status = await getStatus(id);
		expect(status.subtasks[0]).toMatchObject({ status: "failed", attempts: 4, error: { code: "browser-unavailable" } });
		// No model call was made for the answer: the page was never read.
		expect(status.usage.byStep?.[STEP.subtask("page")]).toBeUndefined();

		const res = await exports.default.fetch(`http://orchestrator.test/${id}/restart?from=subtask:page`, {
			method: "POST",
		});

		expect(res.status).toBe(200);
		expect(await res.json()).toMatchObject({ restartedFrom: "subtask:page" });
		const again = await waitForRunStatus(id, "complete", 25_000);
		expect(again.subtasks[0]).toMatchObject({ status: "failed", error: { code: "browser-unavailable" } });
		const retried = (await readEvents(storeOf(id), id)).filter((e) => e.type === "subtask.retried");
		expect(retried.every((e) => e.data.step === "page")).toBe(true);
		expect(retried.length).toBeGreaterThanOrEqual(6); // three retries in each generation
	});

	it("should keep short page text inline and long text in R2, and read either back", async () => {
		const short = "A short page.";
		expect(await keepPageText(env.PAGES, "pages/test/short.txt", short)).toEqual({ text: short, textKey: null });

		const long = "ж".repeat(PAGE_TEXT_INLINE_BYTES / 2 + 1); // two bytes each in UTF-8
		const kept = await keepPageText(env.PAGES, "pages/test/long.txt", long);
		expect(kept).toEqual({ text: null, textKey: "pages/test/long.txt" });
		expect(await pageTextOf(env.PAGES, { url: "https://example.com/", ...kept })).toBe(long);

		await env.PAGES.delete("pages/test/long.txt");
		await expect(pageTextOf(env.PAGES, { url: "https://example.com/", ...kept })).rejects.toThrow(
			/no longer stored .*restart the subtask/,
		);
	});
});
