/**
 * 3. What transient failures cost in model calls. Every call of a run fails with a 500 at a rate of
 * 10 % (the model server's seeded faults); the figure is the calls per completed run over the calls
 * a failure-free run makes (plan + one per subtask + synthesis). The same workload runs through a
 * baseline Workflow that puts the whole wave in one step (the reference demo's shape), where one
 * failed call repeats every call of the wave. Then browser subtasks under the same faults, counting
 * page loads instead of calls (page-loads.ts).
 */
import { startRun, waitForRun, type ModelServer, type WranglerDev } from "@ow/testing";
import type { Measurement } from "../figures.ts";
import { runOneStepBaseline } from "../one-step-baseline/index.ts";
import { BENCH_WAIT, mustComplete, waveScenario } from "../product.ts";
import { measurePageLoads } from "./page-loads.ts";

export const FAULT_RATE = 0.1;

export async function measureRetryCost(
	dev: WranglerDev,
	models: ModelServer,
	{ width = 8, runs = 20 } = {},
): Promise<Measurement> {
	// Counted, not assumed: one run without faults.
	const clean = waveScenario(models, width);
	const cleanId = await startRun(dev.url, { prompt: clean.prompt, options: { maxSubtasks: width } });
	mustComplete(await waitForRun(dev.url, cleanId, undefined, BENCH_WAIT));
	const failureFree = models.scenarioStats(clean.id)!.calls;
	const scenarios = Array.from({ length: runs }, (_, i) =>
		waveScenario(models, width, { rate: FAULT_RATE, seed: i + 1 }),
	);
	const ids = await Promise.all(
		scenarios.map((s) => startRun(dev.url, { prompt: s.prompt, options: { maxSubtasks: width } })),
	);
	const ends = await Promise.all(
		ids.map((id) => waitForRun(dev.url, id, undefined, { ...BENCH_WAIT, intervalMs: 250 })),
	);
	const completed = ends.filter((s) => s.status === "complete").length;
	const stats = scenarios.map((s) => models.scenarioStats(s.id)!);
	const calls = stats.reduce((sum, s) => sum + s.calls, 0);
	const faults = stats.reduce((sum, s) => sum + s.faultsInjected, 0);
	const product = calls / completed / failureFree;

	const baseline = await runOneStepBaseline({
		modelBaseURL: models.baseURL,
		width,
		runs,
		faults: { rate: FAULT_RATE, seed: 1 },
		retryDelayMs: 50,
	});
	const baselineRatio = baseline.callsPerCompletedRun / baseline.failureFreeCallsPerRun;
	const pages = await measurePageLoads(dev, models, { runs: Math.ceil(runs / 2), rate: FAULT_RATE });
	return {
		title: "retry cost",
		figures: [
			{
				name: `model calls / failure-free, ${FAULT_RATE * 100} % faults`,
				value: product,
				unit: "×",
				limit: 1.15,
				detail: `${calls} calls (${faults} faulted), ${completed}/${runs} runs complete, ${failureFree} calls each without faults`,
			},
			{
				name: "same, all subtasks in one step (baseline)",
				value: baselineRatio,
				unit: "×",
				detail: `${baseline.calls} calls (${baseline.faultsInjected} faulted), ${baseline.completedRuns}/${runs} runs complete, ${baseline.failureFreeCallsPerRun} calls each without faults`,
			},
			pages.figure,
		],
		raw: { width, runs, failureFree, product: { calls, faults, completed }, baseline, pages: pages.raw },
	};
}
