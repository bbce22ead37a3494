/**
 * The model half of the fault matrix, end to end: every fault ends the run `complete` (best effort)
 * or `errored` with a specific code, never stuck, with the calls it cost counted and bounded by the
 * retry policy. Its own stack, because it needs a short call timeout and a model server in this
 * process (whose request log times the retries); the provider-down case stops that server, so it
 * comes last.
 */
import type { RunStatus } from "@ow/schemas";
import { llmSubtask } from "@ow/schemas/testing";
import {
	startModelServer,
	startRun,
	startProductStack,
	waitForRun,
	type ModelServer,
	type Reply,
	type WranglerDev,
} from "@ow/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const RETRY_LIMIT = 2;
const VARS = {
	STEP_RETRY_LIMIT: String(RETRY_LIMIT),
	STEP_RETRY_DELAY_MS: "100",
	MODEL_CALL_TIMEOUT_MS: "2000",
	MAX_PARALLEL: "6",
};
const PLANNER = "You are the planner";
const SYNTHESISER = "You combine the results";
const subtask = (id: string) => `Your subtask: Subtask ${id}\n`;
const ok = (text: string): Reply => ({ kind: "text", text });
const synthesis: Reply = { kind: "json", value: { answer: "combined: {{fenced}}", references: [] } };
const fail = (status: number): Reply => ({ kind: "error", status, message: `scripted ${status}` });

let models: ModelServer;
let dev: WranglerDev;

beforeAll(async () => {
	models = await startModelServer();
	dev = await startProductStack(models.baseURL, VARS);
});

afterAll(async () => {
	await dev?.stop();
	await models?.close();
});

/**
 * Runs a two-subtask plan (a, b) whose calls answer as `rules` say (plan and synthesis succeed
 * unless overridden); returns the run's final status and each rule's calls with their times.
 */
async function runWith(
	rules: { match: string; replies: Reply[] }[],
	options: Record<string, unknown> = {},
): Promise<{ run: RunStatus; callsOf: (match: string) => number[] }> {
	const id = `fault-${crypto.randomUUID()}`;
	const plan: Reply = { kind: "json", value: { subtasks: [llmSubtask("a"), llmSubtask("b")] } };
	models.defineScenario({
		id,
		rules: [
			...rules,
			{ match: PLANNER, replies: [plan] },
			{ match: subtask("a"), replies: [ok("alpha")] },
			{ match: subtask("b"), replies: [ok("beta")] },
			{ match: SYNTHESISER, replies: [synthesis] },
		],
	});
	const runId = await startRun(dev.url, { prompt: `Two facts. [${id}]`, options });
	const run = await waitForRun(dev.url, runId, undefined, { timeoutMs: 60_000 });
	const callsOf = (match: string) =>
		models.requests
			.filter((r) => {
				const text = JSON.stringify(r.body.messages);
				return text.includes(id) && text.includes(JSON.stringify(match).slice(1, -1));
			})
			.map((r) => r.receivedAt);
	return { run, callsOf };
}

const attemptsOf = (run: RunStatus, id: string) => run.subtasks.find((t) => t.id === id)?.attempts;

describe("model faults", () => {
	it("should wait out a 429's Retry-After before retrying, and retry only that call", async () => {
		const { run, callsOf } = await runWith([
			{ match: subtask("b"), replies: [{ kind: "error", status: 429, retryAfterSeconds: 2 }, ok("beta")] },
		]);

		expect(run.status).toBe("complete");
		expect(attemptsOf(run, "b")).toBe(2);
		const [first, second] = callsOf(subtask("b"));
		// The policy's own delay is 100 ms; only the header explains a 2 s wait.
		expect(second! - first!).toBeGreaterThanOrEqual(2_000);
		expect(callsOf(subtask("a"))).toHaveLength(1);
		expect(callsOf(PLANNER)).toHaveLength(1);
	});

	it("should retry a 500 and complete, each other call made once", async () => {
		const { run, callsOf } = await runWith([{ match: subtask("a"), replies: [fail(500), ok("alpha")] }]);

		expect(run.status).toBe("complete");
		expect(run.subtasks.map((t) => [t.id, t.status, t.attempts])).toEqual([
			["a", "succeeded", 2],
			["b", "succeeded", 1],
		]);
		expect([callsOf(subtask("a")).length, callsOf(subtask("b")).length, callsOf(SYNTHESISER).length]).toEqual([
			2, 1, 1,
		]);
	});

	it("should time out a call that never answers and retry it", async () => {
		const { run, callsOf } = await runWith([{ match: subtask("a"), replies: [{ kind: "hang" }, ok("alpha")] }]);

		expect(run.status).toBe("complete");
		expect(attemptsOf(run, "a")).toBe(2);
		const [first, second] = callsOf(subtask("a"));
		// MODEL_CALL_TIMEOUT_MS, less the moments between the call's clock starting and its arrival.
		expect(second! - first!).toBeGreaterThanOrEqual(1_900);
		expect(run.result?.answer).toContain("alpha");
	});

	it("should repair a malformed plan once and go on", async () => {
		const { run, callsOf } = await runWith([
			{
				match: PLANNER,
				replies: [{ kind: "malformed" }, { kind: "json", value: { subtasks: [llmSubtask("a"), llmSubtask("b")] } }],
			},
		]);

		expect(run.status).toBe("complete");
		expect(callsOf(PLANNER)).toHaveLength(2); // the draft and its one repair
		expect(run.subtasks.map((t) => t.status)).toEqual(["succeeded", "succeeded"]);
	});

	it("should end with plan-invalid when the repaired plan is malformed too, without a third try", async () => {
		const { run, callsOf } = await runWith([{ match: PLANNER, replies: [{ kind: "malformed" }] }]);

		expect(run.status).toBe("errored");
		expect(run.error?.code).toBe("plan-invalid");
		expect(run.error?.message).toMatch(/still invalid after one repair attempt/);
		expect(callsOf(PLANNER)).toHaveLength(2);
		expect(callsOf(subtask("a"))).toHaveLength(0);
	});

	it("should end with model-error after the retry limit when synthesis stays malformed", async () => {
		const { run, callsOf } = await runWith([{ match: SYNTHESISER, replies: [{ kind: "malformed" }] }]);

		expect(run.status).toBe("errored");
		expect(run.error?.code).toBe("model-error");
		expect(callsOf(SYNTHESISER)).toHaveLength(RETRY_LIMIT + 1);
	});

	it("should report a subtask that keeps failing and still answer under bestEffort", async () => {
		const { run, callsOf } = await runWith([{ match: subtask("b"), replies: [fail(503)] }], {
			failurePolicy: "bestEffort",
		});

		expect(run.status).toBe("complete");
		expect(run.subtasks.find((t) => t.id === "b")).toMatchObject({
			status: "failed",
			attempts: RETRY_LIMIT + 1,
			error: { code: "model-error" },
		});
		expect(callsOf(subtask("b"))).toHaveLength(RETRY_LIMIT + 1);
		expect(run.result?.answer).toContain("alpha");
	});

	it("should end failFast runs with subtask-failed and never synthesise", async () => {
		const { run, callsOf } = await runWith([{ match: subtask("b"), replies: [fail(400)] }], {
			failurePolicy: "failFast",
		});

		expect(run.status).toBe("errored");
		expect(run.error?.code).toBe("subtask-failed");
		// A 400 cannot get better by asking again: one call, no retries.
		expect(callsOf(subtask("b"))).toHaveLength(1);
		expect(run.subtasks.find((t) => t.id === "b")?.error?.code).toBe("model-rejected");
		expect(callsOf(SYNTHESISER)).toHaveLength(0);
	});

	// Last: it stops the model server for good.
	it("should end with model-unreachable when the provider is down for the whole run", async () => {
		await models.close();
		const runId = await startRun(dev.url, { prompt: "Anything at all." });
		const run = await waitForRun(dev.url, runId, undefined, { timeoutMs: 60_000 });

		expect(run.status).toBe("errored");
		expect(run.error?.code).toBe("model-unreachable");
		expect(run.error?.message).toContain(models.baseURL);
		// Every attempt logs one line; the plan step tried exactly 1 + the retry limit times. The lines
		// reach us through workerd's and wrangler's output pipes, which may lag the run's end a little.
		const attempts = () =>
			dev
				.output()
				.split("\n")
				.filter((line) => line.includes(`"runId":"${runId}"`) && line.includes(`"msg":"step","runId"`))
				.map((line) => /"step":"([^"]+)"/.exec(line)?.[1]);
		await vi.waitFor(() => expect(attempts()).toEqual(Array(RETRY_LIMIT + 1).fill("plan")), { timeout: 10_000 });
	});
});
