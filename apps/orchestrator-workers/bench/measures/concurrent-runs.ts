/**
 * 4. Many runs at once: how fast they are created, how fast a run's status answers while they all
 * run, and that every one of them completes and is listed once. Readers keep `READERS` status reads in
 * flight on random unfinished runs; those reads are both the latency sample and how the benchmark
 * learns that the runs ended. The same load then runs on the floor (floor/), whose status read is the
 * bare engine's `instance.status()`: the product's `GET /:id` is held to that tail.
 */
import { listRuns, startRun, type ModelServer, type WranglerDev } from "@ow/testing";
import { withCpu } from "../cpu.ts";
import { quantile, type Measurement } from "../figures.ts";
import { floorStatus, startFloorRun } from "../floor/index.ts";
import { ENDED, waveScenario } from "../product.ts";
import { round } from "../stats.ts";

const READERS = 4;
const WIDTH = 8;

/** What one runtime did under the load. */
interface Load {
	ids: string[];
	createdInMs: number;
	allDoneInMs: number;
	latencies: number[];
	/** The Worker's own time on each read (its Server-Timing), where it says. */
	inside: (number | null)[];
	statuses: Map<string, string>;
	busyCores: number;
	busiest: { name: string; cores: number };
}

/** Starts `runs` runs at once on one runtime and reads their statuses until every one has ended. */
async function underLoad(
	rootPid: number,
	prompts: string[],
	start: (prompt: string) => Promise<string>,
	read: (id: string) => Promise<Read>,
): Promise<Load> {
	const { value, busyCores, busiest } = await withCpu(rootPid, async () => {
		const t0 = performance.now();
		const ids = await Promise.all(prompts.map(start));
		const createdInMs = performance.now() - t0;
		const latencies: number[] = [];
		const inside: (number | null)[] = [];
		const open = new Set(ids);
		const statuses = new Map<string, string>();
		const reader = async () => {
			while (open.size > 0) {
				const id = [...open][Math.floor(Math.random() * open.size)]!;
				const t = performance.now();
				const { status, insideMs } = await read(id);
				latencies.push(performance.now() - t);
				inside.push(insideMs);
				statuses.set(id, status);
				if (ENDED.has(status)) open.delete(id);
			}
		};
		await Promise.all(Array.from({ length: READERS }, reader));
		return { ids, createdInMs, latencies, inside, allDoneInMs: performance.now() - t0, statuses };
	});
	return { ...value, busyCores, busiest };
}

/** A status read: the run's status and, from the answer's Server-Timing, the Worker's own time on it. */
interface Read {
	status: string;
	insideMs: number | null;
}

/** The `total` entry of a Server-Timing header, in ms. */
function serverTotalMs(header: string | null): number | null {
	const match = /(?:^|,)\s*total;[^,]*\bdur=([\d.]+)/.exec(header ?? "");
	return match ? Number(match[1]) : null;
}

/**
 * Where the slowest reads' time went: of the reads at or over the p99 latency, the median time the
 * Worker itself spent on one, and the median latency.
 */
function tailInside(load: Load, p99: number): { reads: number; insideMs: number; latencyMs: number } | null {
	const slow = load.latencies.flatMap((ms, i) => (ms >= p99 && load.inside[i] != null ? [[ms, load.inside[i]!]] : []));
	if (slow.length === 0) return null;
	return {
		reads: slow.length,
		insideMs: quantile(
			slow.map(([, inside]) => inside!),
			0.5,
		),
		latencyMs: quantile(
			slow.map(([ms]) => ms!),
			0.5,
		),
	};
}

const cores = (l: Load) => `${l.busiest.name} ${l.busiest.cores.toFixed(2)} cores`;

export async function measureConcurrentRuns(
	dev: WranglerDev,
	floor: WranglerDev,
	models: ModelServer,
	{ runs = 100 } = {},
): Promise<Measurement> {
	const prompts = () => Array.from({ length: runs }, () => waveScenario(models, WIDTH).prompt);
	const product = await underLoad(
		dev.pid,
		prompts(),
		(prompt) => startRun(dev.url, { prompt, options: { maxSubtasks: WIDTH } }),
		async (id) => {
			const res = await fetch(`${dev.url}/${id}`);
			if (res.status !== 200) throw new Error(`GET /${id} answered ${res.status} during the load`);
			const { status } = (await res.json()) as { status: string };
			return { status, insideMs: serverTotalMs(res.headers.get("server-timing")) };
		},
	);
	const bare = await underLoad(
		floor.pid,
		prompts(),
		(prompt) => startFloorRun(floor, prompt, WIDTH),
		async (id) => ({ status: (await floorStatus(floor, id)).status, insideMs: null }),
	);
	const listed = (await listRuns(dev.url)).map((r) => r.id);
	const lost = product.ids.filter(
		(id) => product.statuses.get(id) !== "complete" || listed.filter((l) => l === id).length !== 1,
	);
	const p50 = quantile(product.latencies, 0.5);
	const p99 = quantile(product.latencies, 0.99);
	const floorP50 = quantile(bare.latencies, 0.5);
	const floorP99 = quantile(bare.latencies, 0.99);
	const tail = tailInside(product, p99);
	return {
		title: "concurrent runs",
		figures: [
			{
				name: `${runs} runs of ${WIDTH} created at once`,
				value: runs / (product.createdInMs / 1000),
				unit: "runs/s",
				detail: `all ${runs} POSTs answered in ${Math.round(product.createdInMs)} ms; all runs ended after ${(product.allDoneInMs / 1000).toFixed(1)} s (floor ${(bare.allDoneInMs / 1000).toFixed(1)} s)`,
			},
			{
				name: "GET /:id p50 while they run",
				value: p50,
				unit: "ms",
				limit: 20,
				detail: `${product.latencies.length} reads; the bare engine's instance.status() p50 ${floorP50.toFixed(1)} ms`,
			},
			{
				name: "GET /:id p99 while they run",
				value: p99,
				unit: "ms",
				limit: floorP99,
				detail: `target: instance.status() p99 under the same load (${bare.latencies.length} reads); meanwhile ${cores(product)} (floor ${cores(bare)})`,
			},
			{
				name: "GET /:id p99 reads, time inside the Worker",
				value: tail?.insideMs ?? Number.NaN,
				unit: "ms",
				detail: tail
					? `median of the ${tail.reads} reads at or over p99 (Server-Timing), of ${tail.latencyMs.toFixed(0)} ms each: the rest they waited for workerd's one thread, busy with the runs, before the handler started or after it answered`
					: "no read said its time (Server-Timing missing)",
			},
			{
				name: "runs lost, duplicated or not complete",
				value: lost.length,
				unit: "runs",
				limit: 0,
				detail: `${product.ids.length} created, each listed once among the ${listed.length} runs GET /runs lists`,
			},
		],
		raw: {
			runs,
			width: WIDTH,
			product: {
				createdInMs: round(product.createdInMs),
				allDoneInMs: round(product.allDoneInMs),
				p50,
				p99,
				tail,
			},
			floor: {
				createdInMs: round(bare.createdInMs),
				allDoneInMs: round(bare.allDoneInMs),
				p50: floorP50,
				p99: floorP99,
			},
			busiest: { product: product.busiest, floor: bare.busiest },
			lost,
		},
	};
}
