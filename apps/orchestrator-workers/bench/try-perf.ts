/**
 * Where workerd's CPU goes, product against floor: `npx node bench/try-perf.ts [runs]` (from
 * apps/orchestrator-workers; needs Linux `perf`). The DevTools profile of measurement 7 sees only the
 * orchestrator's JavaScript; this samples the whole workerd process (every Worker, Durable Object,
 * the Workflows engine, SQLite, the runtime's RPC and HTTP, V8's collector and compilers) during runs
 * of 32 subtasks on each, sorts each sample by the frame nearest its leaf that names a category, and
 * prints the CPU milliseconds per subtask of each category on both sides.
 */
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startModelServer } from "@ow/testing";
import { busiestWorkerd } from "./cpu.ts";
import { startFloor, timeFloorRun } from "./floor/index.ts";
import { MODEL_LATENCY_MS, startProduct, timeRun, waveScenario } from "./product.ts";

const WIDTH = 32;
const HZ = 1999;
const runs = Number(process.argv[2] ?? 5);

/** Categories by the frames that mark them; where one frame names two, the first listed wins. */
const CATEGORIES: [string, RegExp][] = [
	["SQLite commit (WAL write, fsync)", /vdbeCommit|sqlite3WalFrames|pagerWalFrames|\bfsync\b/],
	["SQLite statements", /sqlite3_step|sqlite3_prepare|sqlite3LockAndPrepare/],
	[
		"V8 garbage collection",
		/Heap::CollectGarbage|Scavenge|MarkCompact|cppgc::internal::(Marker|Sweeper)|ConcurrentMarking/,
	],
	["V8 compilers (background)", /maglev|compiler::|OptimizedCompilationJob|Baseline.*Compil|Parser::/],
	["RPC between Workers and objects", /JsRpc|ValueSerializer|ValueDeserializer|capnp::/],
	["HTTP (fetch, requests)", /fetchImpl|kj::HttpClient|HttpService|kj::.*Http/],
	["JavaScript (Workers, objects, engine)", /Builtins_|v8::internal::Runtime_|\[unknown\]|JSEntry|Interpreter/],
];
const OTHER = "other (runtime, kernel)";

async function profile(pid: number, body: () => Promise<void>): Promise<Map<string, number>> {
	const file = path.join(mkdtempSync(path.join(tmpdir(), "ow-perf-")), "perf.data");
	const perf = spawn("perf", ["record", "-q", "--no-buildid", "-F", String(HZ), "-g", "-p", String(pid), "-o", file], {
		stdio: ["ignore", "ignore", "pipe"],
	});
	let errors = "";
	perf.stderr.on("data", (d: Buffer) => (errors += d.toString()));
	let running = true;
	const exited = new Promise((r) => perf.on("exit", r)).finally(() => (running = false));
	await new Promise((r) => setTimeout(r, 300)); // perf attaches
	if (!running) throw new Error(`perf record stopped at once: ${errors}`);
	await body();
	perf.kill("SIGINT");
	await exited;
	const script = execFileSync("perf", ["script", "-i", file, "-F", "ip,sym"], {
		maxBuffer: 1 << 30,
		stdio: ["ignore", "pipe", "ignore"],
	}).toString();
	const counts = new Map<string, number>();
	for (const sample of script.split(/\n\s*\n/)) {
		if (!sample.trim()) continue;
		// The frame nearest the leaf that names a category decides: JavaScript that an RPC or a step
		// called is JavaScript, and a serialiser called from JavaScript is RPC.
		let category = OTHER;
		for (const frame of sample.split("\n")) {
			const found = CATEGORIES.find(([, re]) => re.test(frame));
			if (found) {
				category = found[0];
				break;
			}
		}
		counts.set(category, (counts.get(category) ?? 0) + 1);
	}
	return counts;
}

const total = (counts: Map<string, number>) => [...counts.values()].reduce((a, b) => a + b, 0);

const models = await startModelServer({ latencyMs: MODEL_LATENCY_MS });
const [product, floor] = await Promise.all([startProduct(models, { MAX_PARALLEL: String(WIDTH) }), startFloor(models)]);
try {
	await timeRun(product, models, waveScenario(models, WIDTH)); // warm-ups
	await timeFloorRun(floor, models, waveScenario(models, WIDTH), WIDTH);
	const p = await profile(busiestWorkerd(product.pid), async () => {
		for (let r = 0; r < runs; r++) await timeRun(product, models, waveScenario(models, WIDTH));
	});
	const f = await profile(busiestWorkerd(floor.pid), async () => {
		for (let r = 0; r < runs; r++) await timeFloorRun(floor, models, waveScenario(models, WIDTH), WIDTH);
	});
	const perSubtask = (samples = 0) => ((samples / HZ) * 1000) / (runs * WIDTH);
	console.log(`workerd CPU per subtask, ${runs} runs of ${WIDTH} on each (perf, ${HZ} Hz):`);
	console.log(`${"".padEnd(40)}  product    floor   product − floor`);
	for (const name of [...CATEGORIES.map(([n]) => n), OTHER]) {
		const [a, b] = [perSubtask(p.get(name)), perSubtask(f.get(name))];
		console.log(
			`${name.padEnd(40)} ${a.toFixed(2).padStart(7)} ${b.toFixed(2).padStart(8)} ${(a - b).toFixed(2).padStart(10)} ms`,
		);
	}
	const [a, b] = [perSubtask(total(p)), perSubtask(total(f))];
	console.log(
		`${"all".padEnd(40)} ${a.toFixed(2).padStart(7)} ${b.toFixed(2).padStart(8)} ${(a - b).toFixed(2).padStart(10)} ms`,
	);
} finally {
	await Promise.all([product.stop(), floor.stop()]);
	await models.close();
}
