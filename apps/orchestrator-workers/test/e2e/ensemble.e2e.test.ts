/**
 * Ensembles end to end, on the shared stack: a vote whose samples are told apart by their seeds (one
 * fails once and is retried alone), and debates that stop at their threshold or at maxRounds. The
 * model server's counters show which calls were made, and how often.
 */
import type { EnsembleStatus, RunStatus } from "@ow/schemas";
import { llmSubtask } from "@ow/schemas/testing";
import { connectModelServer, readRun, startRun, waitForRun, type Reply, type ScenarioRule } from "@ow/testing";
import { describe, expect, inject, it } from "vitest";

const models = connectModelServer(inject("modelURL"));
const dev = { url: inject("devURL") };

const PLANNER = "You are the planner";
const GROUPER = "You compare several answers";
const JUDGE = "You are the judge of a debate";
const SYNTHESISER = "You combine the results";
const text = (value: string): Reply => ({ kind: "text", text: value });

/** Runs a one-subtask plan ("q") with `options`, its calls answered by `rules`; the run and each rule's calls. */
async function runScripted(
	rules: ScenarioRule[],
	options: Record<string, unknown>,
	whileRunning?: (runId: string) => Promise<void>,
): Promise<{ run: RunStatus; calls: (match: string, seed?: number) => number }> {
	const id = `ens-${crypto.randomUUID()}`;
	await models.defineScenario({
		id,
		rules: [
			{ match: PLANNER, replies: [{ kind: "json", value: { subtasks: [llmSubtask("q")] } }] },
			{ match: SYNTHESISER, replies: [{ kind: "json", value: { answer: "combined: {{fenced}}", references: [] } }] },
			...rules,
		],
	});
	const runId = await startRun(dev.url, { prompt: `Which city? [${id}]`, options });
	await whileRunning?.(runId);
	const run = await waitForRun(dev.url, runId, undefined, { timeoutMs: 25_000 });
	const stats = await models.scenarioStats(id);
	const calls = (match: string, seed?: number) => {
		const index = rules.findIndex((r) => r.match === match && r.seed === seed);
		return stats.rules[index + 2]!.calls;
	};
	return { run, calls };
}

const ensembleOf = (run: RunStatus) => run.subtasks.find((t) => t.id === "q")?.ensemble as EnsembleStatus;
const SUBTASK = "Your subtask: Subtask q\n";
const SCEPTIC = "Your stance: a sceptic";
const ADVOCATE = "Your stance: an advocate";

describe("ensembles", () => {
	it("should keep the answer two of three samples agree on, retrying only the sample that failed", async () => {
		const { run, calls } = await runScripted(
			[
				{ match: GROUPER, replies: [{ kind: "json", value: { groups: [[1, 2], [3]] } }] },
				{ match: SUBTASK, seed: 1, replies: [{ kind: "error", status: 500, message: "scripted 500" }, text("Paris")] },
				{ match: SUBTASK, seed: 2, replies: [text("paris.")] },
				// Slow, so the other samples are seen in the status before it answers.
				{ match: SUBTASK, seed: 3, replies: [{ kind: "text", text: "Lyon", delayMs: 1_500 }] },
			],
			{ ensemble: { mode: "vote", samples: 3 } },
			async (runId) => {
				await expect
					.poll(async () => (await readRun(dev.url, runId)).subtasks[0]?.ensemble?.mode === "vote", { timeout: 10_000 })
					.toBe(true);
				const live = (await readRun(dev.url, runId)).subtasks[0]!;
				expect(live.status).toBe("running");
				expect(live.ensemble).toMatchObject({ mode: "vote", agreement: null });
				const texts = (live.ensemble as Extract<EnsembleStatus, { mode: "vote" }>).samples.map((s) => s.text);
				expect(texts).not.toContain("Lyon");
			},
		);

		expect(run.status).toBe("complete");
		const q = run.subtasks.find((t) => t.id === "q")!;
		expect(q.output).toBe("Paris");
		expect(ensembleOf(run)).toMatchObject({
			mode: "vote",
			agreement: 0.67,
			groupedBy: "model",
			samples: [
				{ index: 1, text: "Paris", agreed: true },
				{ index: 2, text: "paris.", agreed: true },
				{ index: 3, text: "Lyon", agreed: false },
			],
		});
		// The failed sample ran twice, the others once; the comparison asked the model once.
		expect([calls(SUBTASK, 1), calls(SUBTASK, 2), calls(SUBTASK, 3), calls(GROUPER)]).toEqual([2, 1, 1, 1]);
		// Every sample is a step of its own in the usage, and so is the comparison.
		expect(Object.keys(run.usage.byStep ?? {})).toEqual(
			expect.arrayContaining(["subtask:q:sample:1", "subtask:q:sample:2", "subtask:q:sample:3", "subtask:q"]),
		);
		expect(run.usage.byStep?.["subtask:q:sample:1"]?.unknownCalls).toBe(1);
		// The subtask's own usage is its answers and the grouping; the failed attempt is in the run's, by step.
		expect(q.usage?.calls).toBe(4);
		expect(run.result?.answer).toContain("Paris");
	});

	it("should stop a debate at the round that reaches its threshold, and one that never does at maxRounds", async () => {
		const debate = (maxRounds: number) => ({
			ensemble: { mode: "debate", agents: 2, maxRounds, consensusThreshold: 1 },
		});
		const rules = (sceptic: Reply[]): ScenarioRule[] => [
			{ match: JUDGE, replies: [text("Judged: Paris")] },
			{ match: GROUPER, replies: [{ kind: "json", value: { groups: [[1], [2]] } }] },
			{ match: SCEPTIC, replies: sceptic },
			{ match: ADVOCATE, replies: [text("Paris")] },
		];
		const [agreeing, split] = await Promise.all([
			runScripted(rules([text("Lyon"), text("Paris")]), debate(4)),
			runScripted(rules([text("Lyon")]), debate(3)),
		]);

		expect(agreeing.run.status).toBe("complete");
		expect(agreeing.run.subtasks[0]!.output).toBe("Judged: Paris");
		expect(ensembleOf(agreeing.run)).toMatchObject({
			mode: "debate",
			reached: true,
			agreement: 1,
			roundAgreement: [0.5, 1],
			rounds: [
				[{ text: "Paris", agreed: true }, { text: "Lyon" }],
				[
					{ text: "Paris", agreed: true },
					{ text: "Paris", agreed: true },
				],
			],
		});
		const c = agreeing.calls;
		// Two rounds of two agents; only the split first round needed the model to group it.
		expect([c(ADVOCATE), c(SCEPTIC), c(GROUPER), c(JUDGE)]).toEqual([2, 2, 1, 1]);

		expect(split.run.status).toBe("complete");
		expect(ensembleOf(split.run)).toMatchObject({ reached: false, agreement: 0.5, roundAgreement: [0.5, 0.5, 0.5] });
		const s = split.calls;
		expect([s(ADVOCATE), s(SCEPTIC), s(GROUPER), s(JUDGE)]).toEqual([3, 3, 3, 1]);
		expect(Object.keys(split.run.usage.byStep ?? {})).toEqual(
			expect.arrayContaining(["subtask:q:round:3:agent:2", "subtask:q:consensus:3", "subtask:q"]),
		);
	});

	it("should hold a vote's samples to the budget: those that fit run, the rest are refused", async () => {
		// Each sample reserves its input estimate plus the output limit (4.2k-6k tokens here): two fit in
		// 12100 beside the plan's, the third does not. Slow answers keep the first two in flight meanwhile.
		const { run, calls } = await runScripted(
			[{ match: SUBTASK, replies: [{ kind: "text", text: "Paris", delayMs: 1_000 }] }],
			{ ensemble: { mode: "vote", samples: 3 }, budget: { maxTokens: 12_100 } },
		);

		expect(run.status).toBe("errored");
		expect(run.error?.code).toBe("budget-exceeded");
		const q = run.subtasks[0]!;
		expect(q.status).toBe("skipped");
		expect(calls(SUBTASK)).toBe(2);
		// The two samples that ran are shown; their tokens are within the budget.
		expect((q.ensemble as Extract<EnsembleStatus, { mode: "vote" }>).samples.map((s) => s.text)).toEqual([
			"Paris",
			"Paris",
		]);
		expect(run.budget!.spentTokens).toBeLessThanOrEqual(12_100);
		expect(run.budget!.reservedTokens).toBe(0);
	});

	it("should stop a vote on cancel: no sample is asked again and nothing is grouped", async () => {
		const { run, calls } = await runScripted(
			[
				{ match: GROUPER, replies: [{ kind: "json", value: { groups: [[1, 2, 3]] } }] },
				// Slow and different, so the vote is still sampling when it is cancelled, and would need a grouping.
				...[1, 2, 3].map((seed) => ({
					match: SUBTASK,
					seed,
					replies: [{ kind: "text" as const, text: `city ${seed}`, delayMs: 1_500 }],
				})),
			],
			{ ensemble: { mode: "vote", samples: 3 } },
			async (runId) => {
				await expect
					.poll(async () => (await readRun(dev.url, runId)).subtasks[0]?.status, { timeout: 10_000 })
					.toBe("running");
				const cancelled = await fetch(`${dev.url}/${runId}`, { method: "DELETE" });
				expect(cancelled.status).toBe(200);
			},
		);

		expect(run.status).toBe("terminated");
		// Past the samples' latency: whatever was in flight has answered, and nothing followed it.
		await new Promise((r) => setTimeout(r, 2_000));
		expect([1, 2, 3].map((seed) => calls(SUBTASK, seed)).every((n) => n <= 1)).toBe(true);
		expect(calls(GROUPER)).toBe(0);
		expect(run.result).toBeNull();
		expect((await readRun(dev.url, run.id)).subtasks[0]!.status).not.toBe("succeeded");
	});

	it.each([
		["one sample", { mode: "vote", samples: 1 }, "options.ensemble.samples"],
		["eight samples", { mode: "vote", samples: 8 }, "options.ensemble.samples"],
		["an unknown mode", { mode: "swarm", agents: 3 }, 'ensemble.mode must be "vote" or "debate"'],
		[
			"a threshold above 1",
			{ mode: "debate", agents: 2, maxRounds: 2, consensusThreshold: 1.2 },
			"options.ensemble.consensusThreshold",
		],
	])("should refuse %s with a 400 that names the field", async (_name, ensemble, names) => {
		const res = await fetch(`${dev.url}/`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ prompt: "Which city?", options: { ensemble } }),
		});
		expect(res.status).toBe(400);
		const body = (await res.json()) as { error: { code: string; message: string } };
		expect(body.error.code).toBe("invalid-request");
		expect(body.error.message).toContain(names);
	});
});
