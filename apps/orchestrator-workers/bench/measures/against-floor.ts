/**
 * 1. End-to-end time against the platform's floor, and fan-out.
 *
 * The same one-wave scenarios run on the product and on the bare Workflow of the same shape
 * (floor/), interleaved so a slow moment of the machine hits both alike, with MAX_PARALLEL as wide as
 * the wave. The critical path is three model latencies (plan, one subtask, synthesis) whatever the
 * width; the floor shows what Workflows itself adds on this machine, and product / floor what the
 * product adds. workerd's CPU time per subtask (from /proc) is what a run costs on Cloudflare.
 */
import type { ModelServer, WranglerDev } from "@ow/testing";
import { workerdSeconds } from "../cpu.ts";
import type { Figure, Measurement } from "../figures.ts";
import { timeFloorRun } from "../floor/index.ts";
import { MODEL_LATENCY_MS, timeRun, waveScenario, type Overhead } from "../product.ts";
import { median, round } from "../stats.ts";

/** product / floor targets by width. */
const TARGETS: Record<number, number> = { 8: 1.03, 32: 1.06 };
/** How far the product's fan-out t(widest)/t(1) may be above the floor's. */
const FAN_OUT_SLACK = 0.05;

export async function measureAgainstFloor(
	dev: WranglerDev,
	floor: WranglerDev,
	models: ModelServer,
	{ sizes = [1, 8, 32], repeats = 3 } = {},
): Promise<Measurement> {
	const criticalPathMs = 3 * MODEL_LATENCY_MS;
	const product = new Map<number, number[]>(sizes.map((n) => [n, []]));
	const bare = new Map<number, number[]>(sizes.map((n) => [n, []]));
	const overheads = new Map<number, Overhead[]>(sizes.map((n) => [n, []]));
	const floorOverheads = new Map<number, Overhead[]>(sizes.map((n) => [n, []]));
	const widest = Math.max(...sizes);
	const cpu = { product: 0, floor: 0, subtasks: 0 };
	for (let r = 0; r < repeats; r += 1) {
		for (const n of sizes) {
			const p0 = workerdSeconds(dev.pid);
			const run = await timeRun(dev, models, waveScenario(models, n));
			const p1 = workerdSeconds(dev.pid);
			const f0 = workerdSeconds(floor.pid);
			const floorRun = await timeFloorRun(floor, models, waveScenario(models, n), n);
			bare.get(n)!.push(floorRun.endToEndMs);
			floorOverheads.get(n)!.push(floorRun.overhead);
			const f1 = workerdSeconds(floor.pid);
			product.get(n)!.push(run.endToEndMs);
			overheads.get(n)!.push(run.overhead);
			if (n === widest) {
				cpu.product += p1 - p0;
				cpu.floor += f1 - f0;
				cpu.subtasks += n;
			}
		}
	}
	const p = (n: number) => median(product.get(n)!);
	const f = (n: number) => median(bare.get(n)!);
	// Each product run against the floor run right after it: how far one pairing strays from the medians' ratio.
	const pairs = (n: number) => {
		const ratios = product.get(n)!.map((ms, i) => ms / bare.get(n)![i]!);
		return `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}×`;
	};
	const figures: Figure[] = sizes.map((n) => ({
		name: `end to end / floor, ${n} subtask${n === 1 ? "" : "s"}`,
		value: p(n) / f(n),
		unit: "×",
		...(TARGETS[n] ? { limit: TARGETS[n] } : {}),
		detail: `medians of ${repeats} (paired runs ${pairs(n)}): product ${Math.round(p(n))} ms (${(p(n) / criticalPathMs).toFixed(2)}× the ${criticalPathMs} ms critical path), floor ${Math.round(f(n))} ms (${(f(n) / criticalPathMs).toFixed(2)}×); beyond the model calls, product ${describe(overheads.get(n)!)}; floor ${describe(floorOverheads.get(n)!)}`,
	}));
	const floorFanOut = f(widest) / f(1);
	figures.push({
		name: `fan-out t(${widest}) / t(1), MAX_PARALLEL=${widest}`,
		value: p(widest) / p(1),
		unit: "×",
		limit: floorFanOut + FAN_OUT_SLACK,
		detail: `product ${Math.round(p(widest))} / ${Math.round(p(1))} ms; floor ${floorFanOut.toFixed(2)}× (${Math.round(f(widest))} / ${Math.round(f(1))} ms), target floor + ${FAN_OUT_SLACK}`,
	});
	const perSubtask = (seconds: number) => (seconds * 1000) / cpu.subtasks;
	figures.push({
		name: `workerd CPU per subtask, ${widest}-subtask runs`,
		value: perSubtask(cpu.product),
		unit: "ms",
		detail: `floor ${perSubtask(cpu.floor).toFixed(1)} ms (${(cpu.product / cpu.floor).toFixed(1)}×); /proc utime+stime of workerd over ${repeats} runs each`,
	});
	return {
		title: "against the floor",
		figures,
		raw: {
			criticalPathMs,
			productMs: Object.fromEntries([...product].map(([n, v]) => [n, v.map((x) => round(x))])),
			floorMs: Object.fromEntries([...bare].map(([n, v]) => [n, v.map((x) => round(x))])),
			overheadMs: Object.fromEntries([...overheads].map(([n, v]) => [n, medianOverhead(v)])),
			floorOverheadMs: Object.fromEntries([...floorOverheads].map(([n, v]) => [n, medianOverhead(v)])),
			cpuMsPerSubtask: { product: round(perSubtask(cpu.product), 2), floor: round(perSubtask(cpu.floor), 2) },
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
	const ms = (k: keyof Overhead) => Math.round(m[k]);
	return `start ${ms("startMs")} + plan→wave ${ms("planToWaveMs")} + spread ${ms("waveSpreadMs")} + wave→synthesis ${ms("waveToSynthesisMs")} + synthesis→done ${ms("synthesisToDoneMs")} ms`;
}
