import { llmSubtask } from "@ow/schemas/testing";
import {
	startModelServer,
	startRun,
	startProductStack,
	waitForRun,
	type ModelServer,
	type WranglerDev,
} from "@ow/testing";
// @ts-expect-error The package ships no types; `Family` below is the shape its README documents.
import parseUntyped from "parse-prometheus-text-format";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

interface Family {
	name: string;
	type: string;
	metrics: { value?: string; labels?: Record<string, string> }[];
}
const parse = parseUntyped as (text: string) => Family[];

// Scripted token counts, so the metrics must move by exactly these.
const PLAN_USAGE = { prompt_tokens: 100, completion_tokens: 20 };
const SUBTASK_USAGE = { prompt_tokens: 10, completion_tokens: 5 };
const SYNTHESIS_USAGE = { prompt_tokens: 50, completion_tokens: 30 };

let models: ModelServer;
let dev: WranglerDev;

beforeAll(async () => {
	models = await startModelServer();
	dev = await startProductStack(models.baseURL);
});

afterAll(async () => {
	await dev?.stop();
	await models?.close();
});

async function scrape() {
	const res = await fetch(`${dev.url}/metrics`);
	expect(res.status).toBe(200);
	return parse(await res.text());
}

/** The value of the sample of `name` with exactly `labels`; 0 when there is none. */
function value(families: Family[], name: string, labels: Record<string, string> = {}): number {
	const metrics = families.find((f) => f.name === name)?.metrics ?? [];
	const sample = metrics.find((m) => JSON.stringify(m.labels ?? {}) === JSON.stringify(labels));
	return Number(sample?.value ?? 0);
}

describe("GET /metrics against the dev server", () => {
	it("should move runs, subtasks, model calls and tokens by what one run did", async () => {
		const id = `scn-${crypto.randomUUID()}`;
		models.defineScenario({
			id,
			rules: [
				{
					match: "You are the planner",
					replies: [{ kind: "json", value: { subtasks: [llmSubtask("s1"), llmSubtask("s2")] }, usage: PLAN_USAGE }],
				},
				...[1, 2].map((n) => ({
					match: `Your subtask: Subtask s${n}\n`,
					replies: [{ kind: "text" as const, text: `result ${n}`, usage: SUBTASK_USAGE }],
				})),
				{
					match: "You combine the results",
					replies: [{ kind: "json", value: { answer: "both", references: [] }, usage: SYNTHESIS_USAGE }],
				},
			],
		});
		const before = await scrape();

		const run = await waitForRun(dev.url, await startRun(dev.url, { prompt: `Two facts, please. [${id}]` }));
		expect(run.status).toBe("complete");
		const after = await scrape();
		const moved = (name: string, labels?: Record<string, string>) =>
			value(after, name, labels) - value(before, name, labels);

		expect(moved("orchestrator_runs", { status: "complete" })).toBe(1);
		expect(moved("orchestrator_runs_created_total")).toBe(1);
		expect(moved("orchestrator_subtasks_total", { executor: "llm", outcome: "succeeded" })).toBe(2);
		expect(moved("orchestrator_model_calls_total", { model: "big" })).toBe(2);
		expect(moved("orchestrator_model_calls_total", { model: "small" })).toBe(2);
		expect(moved("orchestrator_model_tokens_total", { model: "big", kind: "input" })).toBe(150);
		expect(moved("orchestrator_model_tokens_total", { model: "big", kind: "output" })).toBe(50);
		expect(moved("orchestrator_model_tokens_total", { model: "small", kind: "input" })).toBe(20);
		expect(moved("orchestrator_model_tokens_total", { model: "small", kind: "output" })).toBe(10);
		expect(moved("orchestrator_model_tokens_unknown_total", { model: "big" })).toBe(0);
		// The same numbers as the run's own usage.
		expect(run.usage.byModel.big).toMatchObject({ calls: 2, inputTokens: 150, outputTokens: 50 });
	});

	it("should report the browser pool, since the harness runs in the dev server", async () => {
		const families = await scrape();
		expect(value(families, "orchestrator_browser_pool_up")).toBe(1);
		expect(value(families, "orchestrator_browser_pool_sessions", { state: "size" })).toBeGreaterThan(0);
		expect(families.find((f) => f.name === "orchestrator_browser_pool_launched_total")?.type).toBe("COUNTER");
	});
});
