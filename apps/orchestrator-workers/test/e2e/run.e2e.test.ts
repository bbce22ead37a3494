import { llmSubtask } from "@ow/schemas/testing";
import {
	startModelServer,
	startRun,
	startWranglerDev,
	waitForRun,
	type ModelServer,
	type WranglerDev,
} from "@ow/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const MAX_PARALLEL = 3;
const subtask = (n: number) => `Your subtask: Subtask s${n}\n`;
const slow = (text: string) => ({ kind: "text" as const, text, delayMs: 400 });
let models: ModelServer;
let dev: WranglerDev;

beforeAll(async () => {
	models = await startModelServer();
	dev = await startWranglerDev({
		configs: ["wrangler.jsonc", "apps/browser-harness/wrangler.jsonc"],
		migrateD1: "DB",
		vars: {
			MODEL_PROVIDER: "openai-compatible",
			MODEL_BASE_URL: models.baseURL,
			BIG_MODEL: "big",
			SMALL_MODEL: "small",
			MAX_PARALLEL: String(MAX_PARALLEL),
			STEP_RETRY_DELAY_MS: "100",
		},
	});
});

afterAll(async () => {
	await dev?.stop();
	await models?.close();
});

describe("a run through the dev server", () => {
	it("should run a wave concurrently up to MAX_PARALLEL and re-run only the failed subtask", async () => {
		const id = `scn-${crypto.randomUUID()}`;
		models.defineScenario({
			id,
			rules: [
				{
					match: "You are the planner",
					replies: [{ kind: "json", value: { subtasks: [1, 2, 3, 4, 5].map((n) => llmSubtask(`s${n}`)) } }],
				},
				{ match: subtask(3), replies: [{ kind: "error", status: 500, message: "scripted outage" }, slow("three")] },
				...[1, 2, 4, 5].map((n) => ({ match: subtask(n), replies: [slow(`result ${n}`)] })),
				{
					match: "You combine the results",
					replies: [{ kind: "json", value: { answer: "all: {{fenced}}", references: [] } }],
				},
			],
		});

		const run = await waitForRun(dev.url, await startRun(dev.url, { prompt: `Five facts, please. [${id}]` }));

		expect(run.status).toBe("complete");
		const stats = models.scenarioStats(id)!;
		const calls = Object.fromEntries(stats.rules.map((r) => [r.match, r.calls]));
		// The failed subtask ran twice; every other subtask, the plan and the synthesis exactly once.
		expect(calls[subtask(3)]).toBe(2);
		for (const n of [1, 2, 4, 5]) expect(calls[subtask(n)]).toBe(1);
		expect(calls["You are the planner"]).toBe(1);
		expect(calls["You combine the results"]).toBe(1);
		// The wave ran concurrently, and never wider than MAX_PARALLEL.
		expect(stats.maxInFlight).toBe(MAX_PARALLEL);
		expect(run.subtasks.find((t) => t.id === "s3")).toMatchObject({
			status: "succeeded",
			attempts: 2,
			output: "three",
		});
		expect(run.result?.answer).toContain("result 5");
	});

	it("should send the plan's JSON schema to the model (structured outputs on)", async () => {
		const planCall = models.requests.find((r) => JSON.stringify(r.body.messages).includes("You are the planner"));
		const format = planCall?.body.response_format;
		expect(format?.type).toBe("json_schema");
		const schema = format?.type === "json_schema" ? format.json_schema.schema : undefined;
		expect(schema).toMatchObject({ type: "object", required: ["subtasks"] });
		expect(JSON.stringify(schema)).toContain('"dependsOn"');
	});
});
