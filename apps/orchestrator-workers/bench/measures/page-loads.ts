/**
 * 3b. What model faults cost in page loads. Runs of browser subtasks on a local site, with every model
 * call failing with a 500 at the retry-cost rate; the figure is the page loads per completed run over
 * the loads of a failure-free run (one per subtask). A browser subtask reads its page in a step of its
 * own, so a failed answer is retried without loading the page again: the ratio should stay near 1.
 */
import { browserSubtask } from "@ow/schemas/testing";
import {
	startRun,
	startStaticSite,
	waitForRun,
	type ModelServer,
	type ScenarioFaults,
	type WranglerDev,
} from "@ow/testing";
import type { Figure } from "../figures.ts";
import { BENCH_WAIT, mustComplete } from "../product.ts";

const page = (n: string) => `<!doctype html><title>Page ${n}</title><h1>Page ${n}</h1><p>Fact number ${n}.</p>`;

/** Scripts a run whose plan reads `urls`, one browser subtask each. */
function pageScenario(models: ModelServer, urls: string[], faults?: ScenarioFaults) {
	const id = `bench-${crypto.randomUUID()}`;
	const plan = { subtasks: urls.map((url, i) => browserSubtask(`p${i + 1}`, url)) };
	models.defineScenario({
		id,
		...(faults ? { faults } : {}),
		rules: [
			{ match: "You are the planner", replies: [{ kind: "json", value: plan }] },
			{ match: "You combine the results", replies: [{ kind: "json", value: { answer: "done", references: [] } }] },
			{ match: "", replies: [{ kind: "text", text: "read it" }] },
		],
	});
	return { id, prompt: `Benchmark pages [${id}]` };
}

export async function measurePageLoads(
	dev: WranglerDev,
	models: ModelServer,
	{ width = 4, runs = 8, rate = 0.1 } = {},
): Promise<{ figure: Figure; raw: Record<string, unknown> }> {
	// A page per subtask of every run (and of the clean run), so each load is counted where it belongs.
	const paths = Array.from({ length: runs + 1 }, (_run, r) =>
		Array.from({ length: width }, (_page, i) => `/r${r}/p${i + 1}`),
	);
	const site = await startStaticSite(Object.fromEntries(paths.flat().map((p) => [p, page(p)])));
	try {
		const loadsOf = (run: number) => site.log.filter((line) => paths[run]!.some((p) => line === `GET ${p}`)).length;
		const urls = (run: number) => paths[run]!.map((p) => `${site.url}${p}`);
		const options = { maxSubtasks: width };
		// Counted, not assumed: one run without faults.
		const clean = pageScenario(models, urls(0));
		mustComplete(
			await waitForRun(dev.url, await startRun(dev.url, { prompt: clean.prompt, options }), undefined, BENCH_WAIT),
		);
		const failureFree = loadsOf(0);
		const scenarios = Array.from({ length: runs }, (_run, r) =>
			pageScenario(models, urls(r + 1), { rate, seed: r + 1 }),
		);
		const ids = await Promise.all(scenarios.map((s) => startRun(dev.url, { prompt: s.prompt, options })));
		const ends = await Promise.all(
			ids.map((id) => waitForRun(dev.url, id, undefined, { ...BENCH_WAIT, intervalMs: 250 })),
		);
		const completed = ends.filter((s) => s.status === "complete").length;
		const loads = Array.from({ length: runs }, (_run, r) => loadsOf(r + 1)).reduce((a, b) => a + b, 0);
		const faults = scenarios.reduce((sum, s) => sum + models.scenarioStats(s.id)!.faultsInjected, 0);
		return {
			figure: {
				name: `page loads / failure-free, ${rate * 100} % model faults`,
				value: loads / Math.max(1, completed) / failureFree,
				unit: "×",
				limit: 1.02,
				detail: `${loads} loads, ${faults} model calls faulted, ${completed}/${runs} runs complete, ${failureFree} loads each without faults`,
			},
			raw: { width, runs, failureFree, loads, faults, completed },
		};
	} finally {
		await site.stop();
	}
}
