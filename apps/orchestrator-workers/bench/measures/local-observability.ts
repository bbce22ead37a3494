/**
 * 10. wrangler's local observability collector. `wrangler dev` runs, by default, a streaming tail
 * Worker in the same workerd that stores a trace event for every invocation, log line, fetch and
 * storage call (for the local explorer). It shares workerd's one JavaScript thread with the runs, and
 * costs the product more than the floor because the product makes more calls (its run store, its
 * logs). On Cloudflare, Workers Observability collects those events outside the Worker, so the other
 * measurements run both sides without it; this one starts both again with it on, to show its share.
 */
import type { ModelServer } from "@ow/testing";
import { workerdSeconds } from "../cpu.ts";
import type { Measurement } from "../figures.ts";
import { startFloor, timeFloorRun } from "../floor/index.ts";
import { startProduct, timeRun, waveScenario } from "../product.ts";
import { median, round } from "../stats.ts";

export async function measureLocalObservability(
	models: ModelServer,
	{ width = 32, repeats = 3 } = {},
): Promise<Measurement> {
	const on = { localObservability: true };
	const [dev, floor] = await Promise.all([
		startProduct(models, { MAX_PARALLEL: String(width) }, on),
		startFloor(models, on),
	]);
	try {
		const runProduct = () => timeRun(dev, models, waveScenario(models, width));
		const runFloor = () => timeFloorRun(floor, models, waveScenario(models, width), width);
		await runProduct(); // warm-ups: bundles, first storage use
		await runFloor();
		const product: number[] = [];
		const bare: number[] = [];
		const cpu = { product: 0, floor: 0 };
		for (let r = 0; r < repeats; r += 1) {
			const p0 = workerdSeconds(dev.pid);
			product.push((await runProduct()).endToEndMs);
			cpu.product += workerdSeconds(dev.pid) - p0;
			const f0 = workerdSeconds(floor.pid);
			bare.push((await runFloor()).endToEndMs);
			cpu.floor += workerdSeconds(floor.pid) - f0;
		}
		const [p, f] = [median(product), median(bare)];
		const perSubtask = (seconds: number) => (seconds * 1000) / (repeats * width);
		return {
			title: "local observability",
			figures: [
				{
					name: `end to end / floor, ${width} subtasks, local collector on`,
					value: p / f,
					unit: "×",
					detail: `medians of ${repeats}: product ${Math.round(p)} ms, floor ${Math.round(f)} ms; workerd CPU per subtask ${perSubtask(cpu.product).toFixed(1)} / ${perSubtask(cpu.floor).toFixed(1)} ms (wrangler dev's default; measurement 1 is without it)`,
				},
			],
			raw: {
				productMs: product.map((x) => round(x)),
				floorMs: bare.map((x) => round(x)),
				cpuMsPerSubtask: { product: round(perSubtask(cpu.product), 2), floor: round(perSubtask(cpu.floor), 2) },
			},
		};
	} finally {
		await Promise.all([dev.stop(), floor.stop()]);
	}
}
