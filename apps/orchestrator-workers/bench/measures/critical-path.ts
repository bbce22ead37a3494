/**
 * 1. End-to-end time over the critical path, and 2a. fan-out scaling.
 *
 * Every model call takes MODEL_LATENCY_MS, so a run of one wave cannot finish sooner than plan +
 * one subtask + synthesis = 3 latencies, however wide the wave: that is its critical path. With
 * MAX_PARALLEL as wide as the wave, what the run takes beyond it is the product's own overhead
 * (Workflow steps, registry writes, HTTP), and t(32) / t(1) shows how that overhead grows with width.
 */
import type { ModelServer, WranglerDev } from "@ow/testing";
import type { Measurement } from "../figures.ts";
import { MODEL_LATENCY_MS, timeRun, waveScenario, type Overhead } from "../product.ts";
import { median, round } from "../stats.ts";

export async function measureCriticalPath(
	dev: WranglerDev,
	models: ModelServer,
	{ sizes = [1, 8, 32], repeats = 3 } = {},
): Promise<Measurement> {
	const criticalPathMs = 3 * MODEL_LATENCY_MS;
	const bySize = new Map<number, number[]>();
	const overheads = new Map<number, Overhead[]>();
	// Interleaved, so a slow moment of the machine hits every size alike.
	for (let r = 0; r < repeats; r += 1) {
		for (const n of sizes) {
			const run = await timeRun(dev, models, waveScenario(models, n));
			bySize.set(n, [...(bySize.get(n) ?? []), run.endToEndMs]);
			overheads.set(n, [...(overheads.get(n) ?? []), run.overhead]);
		}
	}
	const e2e = (n: number) => median(bySize.get(n)!);
	const figures = sizes.map((n) => ({
		name: `end to end / critical path, ${n} subtask${n === 1 ? "" : "s"}`,
		value: e2e(n) / criticalPathMs,
		unit: "×" as const,
		...(n === 8 ? { limit: 1.1 } : {}),
		detail: `median ${Math.round(e2e(n))} ms of ${repeats} over ${criticalPathMs} ms; overhead ${describe(overheads.get(n)!)}`,
	}));
	const widest = Math.max(...sizes);
	figures.push({
		name: `fan-out t(${widest}) / t(1), MAX_PARALLEL=${widest}`,
		value: e2e(widest) / e2e(1),
		unit: "×",
		limit: 1.25,
		detail: `${Math.round(e2e(widest))} ms / ${Math.round(e2e(1))} ms`,
	});
	return {
		title: "critical path and fan-out",
		figures,
		raw: {
			criticalPathMs,
			endToEndMs: Object.fromEntries([...bySize].map(([n, v]) => [n, v.map((x) => round(x))])),
			overheadMs: Object.fromEntries([...overheads].map(([n, v]) => [n, medianOverhead(v)])),
		},
	};
}

/** The median of each phase across runs. */
function medianOverhead(runs: Overhead[]): Overhead {
	const keys = Object.keys(runs[0]!) as (keyof Overhead)[];
	return Object.fromEntries(keys.map((k) => [k, round(median(runs.map((r) => r[k])))])) as unknown as Overhead;
}

/** "start 45 + plan→wave 38 + spread 3 + wave→synthesis 35 + synthesis→done 12 ms" (medians). */
function describe(runs: Overhead[]): string {
	const m = medianOverhead(runs);
	return `start ${Math.round(m.startMs)} + plan→wave ${Math.round(m.planToWaveMs)} + wave spread ${Math.round(m.waveSpreadMs)} + wave→synthesis ${Math.round(m.waveToSynthesisMs)} + synthesis→done ${Math.round(m.synthesisToDoneMs)} ms`;
}
