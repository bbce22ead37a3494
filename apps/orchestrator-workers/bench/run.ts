/**
 * Benchmarks through a real `wrangler dev` and the scripted model server. Prints measured ratios
 * against targets and exits non-zero when a target is missed.
 *
 * - wave speedup: N independent subtasks of fixed model latency; the execute phase's wall time
 *   against the sum of the subtasks' own times. Target: at least 0.75 × the wave's width.
 * - retry cost: model calls of a run in which one subtask fails once, against the calls the same run
 *   would make if one step ran the whole wave (the reference demo's design). Target: below 0.75.
 * - status reads: GET /:id latency while a run is in flight (median, p95), informational.
 */
import { llmSubtask } from "@ow/schemas/testing";
import { startModelServer, startRun, startWranglerDev, waitForRun, readRun } from "@ow/testing";

const WIDTH = 6;
const LATENCY_MS = 400;
const subtask = (n: number) => `Your subtask: Subtask s${n}\n`;
const plan = { subtasks: Array.from({ length: WIDTH }, (_, i) => llmSubtask(`s${i + 1}`)) };

const models = await startModelServer();
const dev = await startWranglerDev({
	configs: ["wrangler.jsonc", "apps/browser-harness/wrangler.jsonc"],
	migrateD1: "DB",
	vars: { MODEL_BASE_URL: models.baseURL, BIG_MODEL: "big", SMALL_MODEL: "small", STEP_RETRY_DELAY_MS: "50" },
});
let failed = false;
const report = (name: string, value: number, target: string, ok: boolean) => {
	console.log(`${ok ? "ok  " : "MISS"} ${name.padEnd(28)} ${value.toFixed(2).padStart(8)}   target ${target}`);
	failed ||= !ok;
};

try {
	const scenario = (id: string, failOnce: number | null) =>
		models.defineScenario({
			id,
			rules: [
				{ match: "You are the planner", replies: [{ kind: "json", value: plan }] },
				...Array.from({ length: WIDTH }, (_, i) => ({
					match: subtask(i + 1),
					replies:
						failOnce === i + 1
							? [
									{ kind: "error" as const, status: 500 },
									{ kind: "text" as const, text: `r${i + 1}`, delayMs: LATENCY_MS },
								]
							: [{ kind: "text" as const, text: `r${i + 1}`, delayMs: LATENCY_MS }],
				})),
				{ match: "You combine the results", replies: [{ kind: "json", value: { answer: "done", references: [] } }] },
			],
		});

	// Warm-up: the first run pays for bundling and the first D1 and Workflow start-up.
	/** Runs to the end; a benchmark of a run that did not complete would measure nothing. */
	const complete = async (id: string) => {
		const run = await waitForRun(dev.url, id);
		if (run.status !== "complete") throw new Error(`bench run ${id} ended ${run.status}: ${JSON.stringify(run.error)}`);
		return run;
	};

	scenario("bench-warm", null);
	await complete(await startRun(dev.url, { prompt: "warm up [bench-warm]" }));

	scenario("bench-wave", null);
	const waveId = await startRun(dev.url, { prompt: "wave [bench-wave]" });
	const reads: number[] = [];
	for (;;) {
		const t0 = performance.now();
		const status = await readRun(dev.url, waveId);
		reads.push(performance.now() - t0);
		if (status.status === "complete" || status.status === "errored") break;
		await new Promise((r) => setTimeout(r, 50));
	}
	const wave = await complete(waveId);
	const sequentialMs = wave.subtasks.reduce(
		(sum, t) => sum + (Date.parse(t.finishedAt!) - Date.parse(t.startedAt!)),
		0,
	);
	const speedup = sequentialMs / wave.timings.executeMs!;
	report("wave speedup (×)", speedup, `≥ ${(0.75 * WIDTH).toFixed(2)} (width ${WIDTH})`, speedup >= 0.75 * WIDTH);

	scenario("bench-retry", 3);
	await complete(await startRun(dev.url, { prompt: "retry [bench-retry]" }));
	const calls = models.scenarioStats("bench-retry")!.calls;
	const wholeWaveCalls = 1 + 2 * WIDTH + 1; // plan + the wave twice + synthesis
	report(
		"retry cost (calls ratio)",
		calls / wholeWaveCalls,
		`< 0.75 (${calls} calls vs ${wholeWaveCalls})`,
		calls / wholeWaveCalls < 0.75,
	);

	const sorted = reads.toSorted((a, b) => a - b);
	const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
	console.log(
		`info GET /:id in flight        median ${pct(0.5).toFixed(1)} ms, p95 ${pct(0.95).toFixed(1)} ms (${reads.length} reads)`,
	);
} finally {
	await dev.stop();
	await models.close();
}
process.exit(failed ? 1 : 0);
