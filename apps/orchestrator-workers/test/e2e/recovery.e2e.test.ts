/**
 * A dev server killed (SIGKILL, wrangler and workerd at once) while a run's subtasks are in flight,
 * then started again with the default settings: the run moves again as soon as the server answers,
 * and what had finished is replayed from the step cache, not called again. And a registry that
 * disagrees with the engine (a run the engine completed, left `running` in D1 by hand) is settled
 * by the sweep of the next start. A delayed run still asleep when the server dies starts after the
 * restart, once.
 */
import { llmSubtask } from "@ow/schemas/testing";
import {
	execInRunStore,
	readProgressSse,
	readRun,
	runWrangler,
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
/** How long after a restart a run that was in flight must be done: the bound, not a speed claim. */
const AFTER_RESTART_MS = 30_000;

// No RECOVERY_STALE_MS: recovery must work with the defaults (10 minutes of staleness).
const start = async (persistTo?: string) => {
	const dev = await startProductStack(models.baseURL, {}, { persistTo });
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

it("should finish a run whose dev server was killed mid-run, without re-running finished subtasks, and a delayed one", async () => {
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
					{ kind: "text", text: "late", delayMs: 120_000 },
					{ kind: "text", text: "three" },
				],
			},
			{
				match: "You combine the results",
				replies: [{ kind: "json", value: { answer: "{{fenced}}", references: [] } }],
			},
		],
	});
	const later = `scn-${crypto.randomUUID()}`;
	models.defineScenario({
		id: later,
		rules: [
			{ match: "You are the planner", replies: [{ kind: "json", value: { subtasks: [llmSubtask("only")] } }] },
			{ match: subtask("only"), replies: [{ kind: "text", text: "later" }] },
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

	// A delayed run, asleep in its Workflow when the server dies (the restart takes longer than its delay
	// here or not: either way it must start once, after the restart).
	const delayedId = await startRun(first.url, { prompt: `Later. [${later}]`, options: { delaySeconds: 5 } });
	expect((await readRun(first.url, delayedId)).status).toBe("scheduled");

	await first.crash();
	const second = await start(first.persistTo);
	const run = await waitForRun(second.url, runId, ["complete", "errored"], { timeoutMs: AFTER_RESTART_MS });
	const delayed = await waitForRun(second.url, delayedId, ["complete", "errored", "terminated"], {
		timeoutMs: AFTER_RESTART_MS,
	});
	expect([delayed.status, delayed.error]).toEqual(["complete", null]);
	expect(models.scenarioStats(later)!.rules.map((r) => r.calls)).toEqual([1, 1, 1]);

	expect(run.status).toBe("complete");
	expect(run.subtasks.map((t) => [t.id, t.status, t.output])).toEqual([
		["fast-1", "succeeded", "one"],
		["fast-2", "succeeded", "two"],
		["slow", "succeeded", "three"],
	]);
	const calls = Object.fromEntries(models.scenarioStats(id)!.rules.map((r) => [r.match, r.calls]));
	// One call per finished subtask; the slow one's first call died with the server.
	expect(calls[subtask("fast-1")]).toBe(1);
	expect(calls[subtask("fast-2")]).toBe(1);
	expect(calls[subtask("slow")]).toBe(2);
	expect(calls["You are the planner"]).toBe(1);
	expect(calls["You combine the results"]).toBe(1);
});

it("should settle a run the engine completed but the registry still calls running", async () => {
	const id = `scn-${crypto.randomUUID()}`;
	models.defineScenario({
		id,
		rules: [
			{ match: "You are the planner", replies: [{ kind: "json", value: { subtasks: [llmSubtask("only")] } }] },
			{ match: subtask("only"), replies: [{ kind: "text", text: "done" }] },
			{
				match: "You combine the results",
				replies: [{ kind: "json", value: { answer: "{{fenced}}", references: [] } }],
			},
		],
	});
	const before = await start();
	const runId = await startRun(before.url, { prompt: `One thing. [${id}]` });
	const finished = await waitForRun(before.url, runId, ["complete", "errored"]);
	expect(finished.status).toBe("complete");
	await before.crash();

	// The disagreement, made by hand in the run's store and D1's index of it: the run's end never
	// reached the registry.
	execInRunStore(
		before.persistTo,
		runId,
		`UPDATE runs SET status = 'running', result = NULL, usage = NULL WHERE id = '${runId}';
		 DELETE FROM events WHERE run_id = '${runId}' AND type = 'run.completed';`,
	);
	await runWrangler([
		"d1",
		"execute",
		"DB",
		"--local",
		"--persist-to",
		before.persistTo,
		"-e",
		"development",
		"-c",
		"wrangler.jsonc",
		"--command",
		`UPDATE runs SET status = 'running', result = NULL, usage = NULL WHERE id = '${runId}';`,
	]);
	const after = await start(before.persistTo);

	// `/:id/instance` shows the registry's own status, not the engine's view that `GET /:id` mixes in.
	await expect
		.poll(
			async () => ((await (await fetch(`${after.url}/${runId}/instance`)).json()) as { registry: string }).registry,
			{
				timeout: AFTER_RESTART_MS,
			},
		)
		.toBe("complete");
	const settled = await readRun(after.url, runId);
	expect(settled.result).toEqual(finished.result);
	expect(settled.usage.calls).toBe(finished.usage.calls);
	const { events } = await readProgressSse(after.url, runId, { timeoutMs: 30_000 });
	expect(events.filter((e) => e.type === "run.completed")).toHaveLength(1);
	expect(models.scenarioStats(id)!.rules.map((r) => r.calls)).toEqual([1, 1, 1]);
});
