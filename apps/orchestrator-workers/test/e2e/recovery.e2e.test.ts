/**
 * A dev server killed while a run's subtasks are in flight: after a restart, the recovery sweep gets
 * the run going again, and what had finished is replayed from the step cache, not called again.
 */
import { llmSubtask } from "@ow/schemas/testing";
import {
	readRun,
	startModelServer,
	startRun,
	startProductStack,
	waitForRun,
	type ModelServer,
	type WranglerDev,
} from "@ow/testing";
import { afterAll, beforeAll, expect, it } from "vitest";

let models: ModelServer;
const servers: WranglerDev[] = [];
const subtask = (id: string) => `Your subtask: Subtask ${id}\n`;

const start = async (persistTo?: string) => {
	const dev = await startProductStack(models.baseURL, { RECOVERY_STALE_MS: "1500" }, { persistTo });
	servers.push(dev);
	return dev;
};

beforeAll(async () => {
	models = await startModelServer();
});

afterAll(async () => {
	for (const dev of servers) await dev.stop();
	await models?.close();
});

it("should finish a run interrupted by a dev server restart without re-running finished subtasks", async () => {
	const id = `scn-${crypto.randomUUID()}`;
	models.defineScenario({
		id,
		rules: [
			{
				match: "You are the planner",
				replies: [{ kind: "json", value: { subtasks: ["fast-1", "fast-2", "slow"].map((s) => llmSubtask(s)) } }],
			},
			{ match: subtask("fast-1"), replies: [{ kind: "text", text: "one" }] },
			{ match: subtask("fast-2"), replies: [{ kind: "text", text: "two" }] },
			// In flight when the server dies; answers at once when the replay asks again.
			{
				match: subtask("slow"),
				replies: [
					{ kind: "text", text: "late", delayMs: 60_000 },
					{ kind: "text", text: "three" },
				],
			},
			{
				match: "You combine the results",
				replies: [{ kind: "json", value: { answer: "{{fenced}}", references: [] } }],
			},
		],
	});
	const first = await start();
	const runId = await startRun(first.url, { prompt: `Three things. [${id}]` });
	await expect
		.poll(async () => (await readRun(first.url, runId)).subtasks.map((t) => t.status), { timeout: 30_000 })
		.toEqual(["succeeded", "succeeded", "running"]);

	await first.stop();
	const second = await start(first.persistTo);
	const run = await waitForRun(second.url, runId, ["complete", "errored"], { timeoutMs: 60_000 });

	expect(run.status).toBe("complete");
	expect(run.subtasks.map((t) => [t.id, t.status, t.output])).toEqual([
		["fast-1", "succeeded", "one"],
		["fast-2", "succeeded", "two"],
		["slow", "succeeded", "three"],
	]);
	const calls = Object.fromEntries(models.scenarioStats(id)!.rules.map((r) => [r.match, r.calls]));
	expect(calls[subtask("fast-1")]).toBe(1);
	expect(calls[subtask("fast-2")]).toBe(1);
	expect(calls[subtask("slow")]).toBe(2);
	expect(calls["You are the planner"]).toBe(1);
});
