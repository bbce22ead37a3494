/**
 * Runs the page-load figure of the retry-cost benchmark alone and prints its JSON:
 * `node bench/try-page-loads.ts [runs] [width]` (from apps/orchestrator-workers; `npm run bench` runs
 * it as part of measurement 3).
 */
import { startModelServer } from "@ow/testing";
import { measurePageLoads } from "./measures/page-loads.ts";
import { MODEL_LATENCY_MS, startProduct } from "./product.ts";
import { FAULT_RATE } from "./measures/retry-cost.ts";

const [runs = 8, width = 4] = process.argv.slice(2).map(Number);
if (!Number.isInteger(runs) || !Number.isInteger(width) || runs < 1 || width < 1) {
	console.error("usage: node bench/try-page-loads.ts [runs >= 1] [width >= 1]");
	process.exit(2);
}
const started = performance.now();
const models = await startModelServer({ latencyMs: MODEL_LATENCY_MS });
try {
	const dev = await startProduct(models, { MAX_PARALLEL: "32" });
	try {
		const result = await measurePageLoads(dev, models, { runs, width, rate: FAULT_RATE });
		console.log(JSON.stringify({ ...result, elapsedS: Math.round((performance.now() - started) / 100) / 10 }, null, 2));
	} finally {
		await dev.stop();
	}
} finally {
	await models.close();
}
