/**
 * A CPU profile of the orchestrator Worker, alone: `npx node bench/try-profile.ts [runs] [width]` (from
 * apps/orchestrator-workers) profiles runs of `width` subtasks (32 unless given), or with `--reads`
 * status reads of a finished run, and prints the functions with the most samples, in themselves and
 * with what they called.
 */
import { startModelServer } from "@ow/testing";
import { freePort, newestBundleMap, profileWorker, sourceNamer, summarise } from "./cpu-profile.ts";
import { MODEL_LATENCY_MS, startProduct, timeRun, waveScenario } from "./product.ts";

const [runs = 3, width = 32] = process.argv
	.slice(2)
	.filter((a) => !a.startsWith("--"))
	.map(Number);
const reads = process.argv.includes("--reads");
if (!Number.isInteger(runs) || !Number.isInteger(width) || runs < 1 || width < 1 || width > 32) {
	console.error("usage: npx node bench/try-profile.ts [runs >= 1] [width 1..32] [--reads]");
	process.exit(2);
}
const inspectorPort = await freePort();
const models = await startModelServer({ latencyMs: MODEL_LATENCY_MS });
const dev = await startProduct(models, { MAX_PARALLEL: String(width) }, { inspectorPort });
try {
	const finished = await timeRun(dev, models, waveScenario(models, 8));
	const { profile } = await profileWorker(inspectorPort, async () => {
		if (reads) for (let r = 0; r < runs * 20; r++) await (await fetch(`${dev.url}/${finished.id}`)).json();
		else for (let r = 0; r < runs; r++) await timeRun(dev, models, waveScenario(models, width));
	});
	const summary = summarise(profile, sourceNamer(newestBundleMap()));
	const line = (item: { share: number; name: string }) =>
		`${(item.share * 100).toFixed(1).padStart(5)} %  ${item.name}`;
	console.log(`${summary.busySamples} busy samples in ${Math.round(summary.wallMs)} ms; self:`);
	for (const item of summary.top) console.log(line(item));
	console.log("inclusive:");
	for (const item of summary.inclusive) console.log(line(item));
} finally {
	await dev.stop();
	await models.close();
}
