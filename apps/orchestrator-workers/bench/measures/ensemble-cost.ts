/**
 * What an ensemble costs. The same 4-subtask run, answered once per subtask and by a vote of 3
 * samples per subtask: the samples run in parallel, each its own step, so the vote adds no model
 * latency to the critical path when its samples agree (identical answers are grouped without a
 * model call); what it may add is the product's own time for the extra steps. Samples that disagree
 * add one big-model call (the grouping) per subtask, which this figure leaves out on purpose.
 */
import { readRun, startRun, type ModelServer, type WranglerDev } from "@ow/testing";
import type { Measurement } from "../figures.ts";
import { mustComplete, waitForEngine, waveScenario } from "../product.ts";
import { median, round } from "../stats.ts";

const WIDTH = 4;
const SAMPLES = 3;

export async function measureEnsembleCost(
	dev: WranglerDev,
	models: ModelServer,
	{ repeats = 3 } = {},
): Promise<Measurement> {
	const times = { once: [] as number[], vote: [] as number[] };
	const calls = { once: [] as number[], vote: [] as number[] };
	// Interleaved, so a slow moment of the machine hits both alike.
	for (let r = 0; r < repeats; r += 1) {
		for (const kind of ["once", "vote"] as const) {
			const scenario = waveScenario(models, WIDTH);
			const ensemble = kind === "vote" ? { ensemble: { mode: "vote" as const, samples: SAMPLES } } : {};
			const postedAt = Date.now();
			const id = await startRun(dev.url, { prompt: scenario.prompt, options: { maxSubtasks: WIDTH, ...ensemble } });
			await waitForEngine(dev, id);
			const status = mustComplete(await readRun(dev.url, id));
			times[kind].push(Date.parse(status.updatedAt) - postedAt);
			calls[kind].push(models.scenarioStats(scenario.id)?.calls ?? 0);
		}
	}
	const once = median(times.once);
	const vote = median(times.vote);
	const [callsOnce, callsVote] = [median(calls.once), median(calls.vote)];
	return {
		title: "ensemble cost",
		figures: [
			{
				name: `end to end, vote ×${SAMPLES} / answered once, ${WIDTH} subtasks`,
				value: vote / once,
				unit: "×",
				limit: 1.15,
				detail: `median ${Math.round(vote)} ms vs ${Math.round(once)} ms of ${repeats}; ${callsVote} model calls per run vs ${callsOnce}`,
			},
		],
		raw: {
			width: WIDTH,
			samples: SAMPLES,
			endToEndMs: { once: times.once.map((x) => round(x)), vote: times.vote.map((x) => round(x)) },
			callsPerRun: { once: calls.once, vote: calls.vote },
		},
	};
}
