/**
 * `npm run bench [-- --quick] [--strict] [--only=1,3]`: the product measured as a user runs it (a real
 * `wrangler dev` with both Workers, the scripted model server at a fixed latency, real Chromium).
 * Prints every figure with its target and a pass/miss mark, writes bench/results/, and after a full
 * run updates the README's table. `--strict` exits non-zero when a target is missed; `--only` runs
 * some of the ten measurements (and then writes no results).
 *
 * Absolute times on a small shared machine are noisy, so every figure is a ratio (or a count)
 * measured within one run of the benchmark, most of them against the floor: a bare Workflow of the
 * product's shape on the same machine and the same scripted model (floor/). Both run without
 * wrangler's local observability collector, which is dev tooling that shares their thread (on
 * Cloudflare that collection happens outside the Worker); measurement 10 shows them with it.
 */
import { startModelServer, type ModelServer, type WranglerDev } from "@ow/testing";
import { measureBrowser } from "./browser.ts";
import { passes, type Measurement } from "./figures.ts";
import { measureCapFloor } from "./measures/cap-floor.ts";
import { measureChildFanout } from "./measures/child-fanout.ts";
import { measureConcurrentRuns } from "./measures/concurrent-runs.ts";
import { measureAgainstFloor } from "./measures/against-floor.ts";
import { measureEnsembleCost } from "./measures/ensemble-cost.ts";
import { measureLocalObservability } from "./measures/local-observability.ts";
import { measureProfile } from "./measures/profile.ts";
import { measureRegistryLoad } from "./measures/registry-load.ts";
import { measureRetryCost } from "./measures/retry-cost.ts";
import { measureStepsPerRun } from "./measures/steps-per-run.ts";
import { freePort } from "./cpu-profile.ts";
import { startFloor, timeFloorRun } from "./floor/index.ts";
import { MODEL_LATENCY_MS, startProduct, timeRun, waveScenario } from "./product.ts";
import { describeMachine, textTable, writeResults } from "./report.ts";
import { round } from "./stats.ts";

const quick = process.argv.includes("--quick");
const strict = process.argv.includes("--strict");
const only = process.argv
	.find((a) => a.startsWith("--only="))
	?.slice("--only=".length)
	.split(",");
const wanted = (n: number) => !only || only.includes(String(n));
const started = performance.now();
const say = (line: string) => console.log(`[bench ${((performance.now() - started) / 1000).toFixed(0)} s] ${line}`);

/**
 * Runs `body` against a fresh product stack with `vars`, after one warm-up run (bundling, first D1
 * use), with a DevTools inspector on `inspectorPort` when given.
 */
async function withProduct<T>(
	models: ModelServer,
	vars: Record<string, string>,
	body: (dev: WranglerDev) => Promise<T>,
	inspectorPort?: number,
): Promise<T> {
	const dev = await startProduct(models, vars, { inspectorPort });
	try {
		await timeRun(dev, models, waveScenario(models, 2));
		return await body(dev);
	} finally {
		await dev.stop();
	}
}

say(`${quick ? "quick" : "full"} run on ${describeMachine()}; every model call takes ${MODEL_LATENCY_MS} ms`);
const models = await startModelServer({ latencyMs: MODEL_LATENCY_MS });
const floor = await startFloor(models);
const measurements: Measurement[] = [];
try {
	await timeFloorRun(floor, models, waveScenario(models, 2), 2); // its warm-up
	if ([1, 3, 4, 6, 7, 8, 9].some(wanted)) {
		const inspectorPort = await freePort();
		const body = async (dev: WranglerDev) => {
			if (wanted(1)) {
				say("1: against the floor, and fan-out (MAX_PARALLEL=32)");
				measurements.push(await measureAgainstFloor(dev, floor, models, { repeats: quick ? 2 : 5 }));
			}
			if (wanted(3)) {
				say("3: retry cost with 10 % faults, then the one-step baseline");
				measurements.push(await measureRetryCost(dev, models, { runs: quick ? 8 : 20 }));
			}
			if (wanted(4)) {
				say("4: concurrent runs, then the same load on the floor");
				measurements.push(await measureConcurrentRuns(dev, floor, models, { runs: 100 }));
			}
			if (wanted(6)) {
				say("6: Workflow steps per run, by kind");
				measurements.push(await measureStepsPerRun(dev, models));
			}
			if (wanted(7)) {
				say("7: CPU profile of the orchestrator during 32-subtask runs");
				measurements.push(await measureProfile(dev, inspectorPort, models, { runs: quick ? 2 : 3 }));
			}
			if (wanted(8)) {
				say("8: the registry's D1 statements per run and per status read");
				measurements.push(await measureRegistryLoad(dev, inspectorPort, models));
			}
			if (wanted(9)) {
				say("9: a vote of 3 per subtask against answering once");
				measurements.push(await measureEnsembleCost(dev, models, { repeats: quick ? 2 : 5 }));
			}
		};
		await withProduct(models, { MAX_PARALLEL: "32" }, body, inspectorPort);
	}
	if (wanted(2)) {
		await withProduct(models, {}, async (dev) => {
			say("2: the default cap of 6, against the floor at the same cap");
			measurements.push(await measureCapFloor(dev, floor, models, { repeats: quick ? 2 : 5 }));
		});
	}
	if (wanted(5)) {
		say("5: browser, warm pool against a bare page load");
		measurements.push(await browserMeasurement(quick));
	}
	if (wanted(11)) {
		say("11: a wave of 32 as child Workflows against the same wave as steps, on the floor");
		measurements.push(await measureChildFanout(floor, models, { repeats: quick ? 2 : 3 }));
	}
	if (wanted(10)) {
		say("10: both again with wrangler's local observability collector on (its default)");
		measurements.push(await measureLocalObservability(models, { repeats: quick ? 2 : 3 }));
	}
} finally {
	await floor.stop();
	await models.close();
}

console.log(`\n${textTable(measurements)}\n`);
if (!only) for (const file of writeResults(measurements, { quick })) say(`wrote ${file}`);
const missed = measurements.flatMap((m) => m.figures).filter((f) => passes(f) === false);
say(
	`done: ${missed.length === 0 ? "every target met" : `${missed.length} target(s) missed: ${missed.map((f) => f.name).join("; ")}`}`,
);
process.exit(strict && missed.length > 0 ? 1 : 0);

async function browserMeasurement(short: boolean): Promise<Measurement> {
	const browser = await measureBrowser({ quick: short });
	return {
		title: "browser",
		figures: [
			{
				name: "warm-pool browse / bare page load",
				value: browser.warmOverBare,
				unit: "×",
				limit: 1.2,
				detail: `${round(browser.warmMs)} ms / ${round(browser.bareMs)} ms (medians); pool reused ${browser.pool.warm.reused}, launched ${browser.pool.warm.launched}`,
			},
			{
				name: "cold launch cost per task",
				value: browser.coldLaunchMs,
				unit: "ms",
				detail: `cold browse ${round(browser.coldMs)} ms − warm ${round(browser.warmMs)} ms`,
			},
		],
		raw: { ...browser },
	};
}
