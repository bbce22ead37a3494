/**
 * Load end to end: 200 runs created at once on a stack with room for them. Every id is readable,
 * every run ends, each exactly once (planned and synthesised once, every subtask call an attempt
 * its run shows), none lost or mixed up, and the registry agrees with the Workflow engine.
 *
 * The soak (`npm run soak`, or SOAK_ROUNDS=n) repeats the round n times on the same stack, so a leak
 * or a slowdown that only shows after thousands of runs fails it too.
 */
import { llmSubtask } from "@ow/schemas/testing";
import {
	listRuns,
	startModelServer,
	startRun,
	startProductStack,
	waitForRun,
	type ListedRun,
	type ModelServer,
	type WranglerDev,
} from "@ow/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const LOAD_RUNS = 200;
const ROUNDS = Number(process.env.SOAK_ROUNDS ?? 1);
const PLANNER = "You are the planner";
const SYNTHESISER = "You combine the results";

let models: ModelServer;
let dev: WranglerDev;

beforeAll(async () => {
	models = await startModelServer();
	dev = await startProductStack(models.baseURL, { MAX_ACTIVE_RUNS: String(LOAD_RUNS + 50) });
});

afterAll(async () => {
	await dev?.stop();
	await models?.close();
});

describe("load", () => {
	const rounds = Array.from({ length: ROUNDS }, (_, i) => i + 1);
	it.each(rounds)(
		`should create ${LOAD_RUNS} runs at once and end every one exactly once (round %i)`,
		async () => {
			const id = `load-${crypto.randomUUID()}`;
			models.defineScenario({
				id,
				rules: [
					{ match: PLANNER, replies: [{ kind: "json", value: { subtasks: [llmSubtask("only")] } }] },
					{ match: SYNTHESISER, replies: [{ kind: "json", value: { answer: "done", references: [] } }] },
					{ match: "", replies: [{ kind: "text", text: "{{user}}" }] },
				],
			});
			const prompts = Array.from({ length: LOAD_RUNS }, (_, i) => `Load run number ${i}. [${id}]`);
			const ids = await Promise.all(prompts.map((prompt) => startRun(dev.url, { prompt })));
			expect(new Set(ids).size).toBe(LOAD_RUNS);

			const ours = new Set(ids);
			let listed: ListedRun[] = [];
			const deadline = Date.now() + 240_000;
			do {
				await new Promise((r) => setTimeout(r, 1_000));
				listed = (await listRuns(dev.url)).filter((r) => ours.has(r.id));
			} while (listed.some((r) => !["complete", "errored", "terminated"].includes(r.status)) && Date.now() < deadline);

			// Listed once each, all complete, each with the prompt it was created with.
			expect(listed.map((r) => r.id).toSorted()).toEqual(ids.toSorted());
			expect(listed.filter((r) => r.status !== "complete")).toEqual([]);
			const promptOf = new Map(ids.map((runId, i) => [runId, prompts[i]]));
			for (const run of listed) expect(run.prompt).toBe(promptOf.get(run.id));
			// Each run planned and synthesised exactly once: none lost, none executed twice. A subtask may
			// have been retried on a loaded machine, but every call it cost is an attempt its run shows.
			const calls = Object.fromEntries(models.scenarioStats(id)!.rules.map((r) => [r.match, r.calls]));
			expect([calls[PLANNER], calls[SYNTHESISER]]).toEqual([LOAD_RUNS, LOAD_RUNS]);
			const statuses = await Promise.all(ids.map((runId) => waitForRun(dev.url, runId)));
			expect(statuses.reduce((sum, run) => sum + run.subtasks[0]!.attempts, 0)).toBe(calls[""]);
			// And each subtask's answer (its own prompt, echoed) belongs to its run.
			for (const [i, run] of statuses.entries()) expect(run.subtasks[0]?.output).toContain(`Load run number ${i}.`);
			// The registry agrees with the Workflow engine about every run.
			const engine = await Promise.all(
				ids.map(
					async (runId) => (await (await fetch(`${dev.url}/${runId}/instance`)).json()) as Record<string, unknown>,
				),
			);
			expect(
				engine.filter((e) => e.registry !== "complete" || (e.instance as { status?: string })?.status !== "complete"),
			).toEqual([]);
		},
		300_000,
	);
});
