import { llmSubtask } from "@ow/schemas/testing";
import { connectModelServer, engineSteps, startRun, waitForRun } from "@ow/testing";
import { describe, expect, inject, it } from "vitest";
import { E2E_VARS } from "./global-setup";

const MAX_PARALLEL = Number(E2E_VARS.MAX_PARALLEL);
const models = connectModelServer(inject("modelURL"));
const dev = { url: inject("devURL") };
const subtask = (n: number) => `Your subtask: Subtask s${n}\n`;
// Long enough that the wave's calls overlap even on a loaded machine (each attempt writes to D1 first).
const slow = (text: string) => ({ kind: "text" as const, text, delayMs: 2_000 });

describe("a run through the dev server", () => {
	it("should run a wave concurrently up to MAX_PARALLEL and re-run only the failed subtask", async () => {
		const id = `scn-${crypto.randomUUID()}`;
		await models.defineScenario({
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
		const stats = await models.scenarioStats(id);
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
		// Workflows bills per step: one per call and nothing that only records (every outcome was written
		// inside its own step), the retried subtask still one step.
		const steps = await engineSteps(dev.url, "orchestrator-workflow", run.id);
		expect(steps.map((s) => s.name).toSorted()).toEqual(
			["plan", ...[1, 2, 3, 4, 5].map((n) => `subtask:s${n}`), "synthesise"].toSorted(),
		);
	});

	it("should send the plan's JSON schema to the model (structured outputs on)", async () => {
		const id = `scn-${crypto.randomUUID()}`;
		await models.defineScenario({ id, rules: [{ match: "", replies: [{ kind: "error", status: 400 }] }] });
		await waitForRun(dev.url, await startRun(dev.url, { prompt: `Anything. [${id}]` }));
		const planCall = (await models.scenarioStats(id)).rules[0]!.lastBody as {
			response_format?: { type: string; json_schema: { schema: unknown } };
		};
		const format = planCall.response_format;
		expect(format?.type).toBe("json_schema");
		const schema = format?.type === "json_schema" ? format.json_schema.schema : undefined;
		expect(schema).toMatchObject({ type: "object", required: ["subtasks"] });
		expect(JSON.stringify(schema)).toContain('"dependsOn"');
	});
});
