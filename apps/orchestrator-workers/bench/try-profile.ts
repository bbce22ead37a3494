/**
 * A CPU profile of the orchestrator Worker during 32-subtask runs: `node bench/try-profile.ts [runs]`
 * (from apps/orchestrator-workers) prints the functions with the most self time.
 */
import { startModelServer } from "@ow/testing";
import { freePort, newestBundleMap, profileWorker, sourceNamer, summarise } from "./cpu-profile.ts";
import { MODEL_LATENCY_MS, startProduct, timeRun, waveScenario } from "./product.ts";

const [runs = 3, width = 32] = process.argv
	.slice(2)
	.filter((a) => !a.startsWith("--"))
	.map(Number);
// --reads: profile status reads of a finished run instead of runs.
const reads = process.argv.includes("--reads");
const inspectorPort = await freePort();
const models = await startModelServer({ latencyMs: MODEL_LATENCY_MS });
const dev = await startProduct(models, { MAX_PARALLEL: String(width) }, { inspectorPort });
try {
	await timeRun(dev, models, waveScenario(models, 2));
	const finished = await timeRun(dev, models, waveScenario(models, 8));
	const { profile } = await profileWorker(inspectorPort, async () => {
		if (reads) for (let r = 0; r < runs * 20; r++) await (await fetch(`${dev.url}/${finished.id}`)).json();
		else for (let r = 0; r < runs; r++) await timeRun(dev, models, waveScenario(models, width));
	});
	const summary = summarise(profile, sourceNamer(newestBundleMap()));
	console.log(`busy ${summary.busyMs.toFixed(0)} ms of ${summary.wallMs.toFixed(0)} ms wall`);
	for (const item of summary.top)
		console.log(
			`${(item.share * 100).toFixed(1).padStart(5)} %  ${item.selfMs.toFixed(0).padStart(5)} ms  ${item.name}`,
		);
	console.log("inclusive:");
	for (const item of summary.inclusive)
		console.log(
			`${(item.share * 100).toFixed(1).padStart(5)} %  ${item.totalMs.toFixed(0).padStart(5)} ms  ${item.name}`,
		);
} finally {
	await dev.stop();
	await models.close();
}
