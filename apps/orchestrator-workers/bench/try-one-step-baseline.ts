/**
 * Runs the one-step baseline alone against its own scripted model server and prints its JSON:
 * `node bench/try-one-step-baseline.ts [runs] [width] [fault rate]` (from apps/orchestrator-workers).
 */
import { startModelServer } from "@ow/testing";
import { runOneStepBaseline } from "./one-step-baseline/index.ts";

const [runs = 20, width = 6, rate = 0.1] = process.argv.slice(2).map(Number);
if (!Number.isInteger(runs) || !Number.isInteger(width) || runs < 1 || width < 1 || !(rate >= 0 && rate <= 1)) {
	console.error("usage: node bench/try-one-step-baseline.ts [runs >= 1] [width >= 1] [fault rate 0..1]");
	process.exit(2);
}
const models = await startModelServer();
const started = performance.now();
try {
	const result = await runOneStepBaseline({
		modelBaseURL: models.baseURL,
		width,
		runs,
		faults: { rate, seed: 1 },
		retryDelayMs: 50,
	});
	const ratio = result.callsPerCompletedRun / result.failureFreeCallsPerRun;
	const elapsedS = Math.round((performance.now() - started) / 100) / 10;
	console.log(JSON.stringify({ runs, width, ...result, overFailureFree: ratio, elapsedS }, null, 2));
} finally {
	await models.close();
}
