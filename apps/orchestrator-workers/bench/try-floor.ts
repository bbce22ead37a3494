/**
 * The product against its floor, alone and quickly: `npx node bench/try-floor.ts [width] [repeats]` (from
 * apps/orchestrator-workers) prints each run's end-to-end time on both and the ratio of the medians.
 */
import { startModelServer } from "@ow/testing";
import { startFloor, timeFloorRun } from "./floor/index.ts";
import { MODEL_LATENCY_MS, startProduct, timeRun, waveScenario, type Overhead } from "./product.ts";

import { median } from "./stats.ts";

const [width = 8, repeats = 5] = process.argv.slice(2).map(Number);
if (!Number.isInteger(width) || !Number.isInteger(repeats) || width < 1 || width > 32 || repeats < 1) {
	console.error("usage: npx node bench/try-floor.ts [width 1..32] [repeats >= 1]");
	process.exit(2);
}
const models = await startModelServer({ latencyMs: MODEL_LATENCY_MS });
const [product, floor] = await Promise.all([startProduct(models, { MAX_PARALLEL: String(width) }), startFloor(models)]);
try {
	const p: number[] = [];
	const f: number[] = [];
	const phases: { product: Overhead[]; floor: Overhead[] } = { product: [], floor: [] };
	for (let r = 0; r <= repeats; r++) {
		const productRun = await timeRun(product, models, waveScenario(models, width));
		const floorRun = await timeFloorRun(floor, models, waveScenario(models, width), width);
		const [a, b] = [productRun.endToEndMs, floorRun.endToEndMs];
		// The first round warms both up (bundles, first storage use).
		if (r > 0) {
			p.push(a);
			f.push(b);
			phases.product.push(productRun.overhead);
			phases.floor.push(floorRun.overhead);
		}
		console.log(`width ${width}: product ${a} ms, floor ${b} ms${r === 0 ? " (warm-up)" : ""}`);
	}
	console.log(`product / floor = ${(median(p) / median(f)).toFixed(3)} (medians ${median(p)} / ${median(f)} ms)`);
	// Where the difference is: each phase's median on both (model server's clock, see phasesOf).
	for (const phase of Object.keys(phases.product[0]!) as (keyof Overhead)[]) {
		const [mp, mf] = [median(phases.product.map((o) => o[phase])), median(phases.floor.map((o) => o[phase]))];
		console.log(`  ${phase}: product ${mp} ms, floor ${mf} ms`);
	}
} finally {
	await Promise.all([product.stop(), floor.stop()]);
	await models.close();
}
