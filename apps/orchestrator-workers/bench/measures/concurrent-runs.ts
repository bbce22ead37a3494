/**
 * 4. Many runs at once: how fast they are created, how fast `GET /:id` answers while they all run,
 * and that every one of them completes and is listed once. Readers keep `READERS` status reads in
 * flight on random unfinished runs; those reads are both the latency sample and how the benchmark
 * learns that the runs ended. The runtime's CPU use during the phase explains the latency figure.
 */
import { listRuns, startRun, type ModelServer, type WranglerDev } from "@ow/testing";
import { withCpu } from "../cpu.ts";
import { quantile, type Measurement } from "../figures.ts";
import { waveScenario } from "../product.ts";
import { round } from "../stats.ts";

const READERS = 4;
const WIDTH = 2;

export async function measureConcurrentRuns(
	dev: WranglerDev,
	models: ModelServer,
	{ runs = 100 } = {},
): Promise<Measurement> {
	const scenarios = Array.from({ length: runs }, () => waveScenario(models, WIDTH));
	const { value, busyCores, busiest } = await withCpu(dev.pid, async () => {
		const t0 = performance.now();
		const ids = await Promise.all(
			scenarios.map((s) => startRun(dev.url, { prompt: s.prompt, options: { maxSubtasks: WIDTH } })),
		);
		const createdIn = performance.now() - t0;
		const latencies: number[] = [];
		const open = new Set(ids);
		const statuses = new Map<string, string>();
		const reader = async () => {
			while (open.size > 0) {
				const id = [...open][Math.floor(Math.random() * open.size)]!;
				const t = performance.now();
				const res = await fetch(`${dev.url}/${id}`);
				const body = (await res.json()) as { status: string };
				latencies.push(performance.now() - t);
				if (res.status !== 200) throw new Error(`GET /${id} answered ${res.status} during the load`);
				statuses.set(id, body.status);
				if (["complete", "errored", "terminated"].includes(body.status)) open.delete(id);
			}
		};
		await Promise.all(Array.from({ length: READERS }, reader));
		return { ids, createdIn, latencies, allDoneIn: performance.now() - t0, statuses };
	});
	const { ids, createdIn, latencies, allDoneIn, statuses } = value;
	const listed = (await listRuns(dev.url)).map((r) => r.id);
	const lost = ids.filter((id) => statuses.get(id) !== "complete" || listed.filter((l) => l === id).length !== 1);
	const p50 = quantile(latencies, 0.5);
	const p99 = quantile(latencies, 0.99);
	return {
		title: "concurrent runs",
		figures: [
			{
				name: `${runs} runs created at once`,
				value: runs / (createdIn / 1000),
				unit: "runs/s",
				detail: `all ${runs} POSTs answered in ${Math.round(createdIn)} ms; all runs ended after ${(allDoneIn / 1000).toFixed(1)} s`,
			},
			{ name: "GET /:id p50 while they run", value: p50, unit: "ms", detail: `${latencies.length} reads` },
			{
				name: "GET /:id p99 while they run",
				value: p99,
				unit: "ms",
				limit: 20,
				detail: `meanwhile ${busiest.name} used ${busiest.cores.toFixed(2)} cores (all of wrangler's processes ${busyCores.toFixed(2)})`,
			},
			{
				name: "runs lost, duplicated or not complete",
				value: lost.length,
				unit: "runs",
				limit: 0,
				detail: `${ids.length} created, each listed once among the ${listed.length} runs GET /runs lists`,
			},
		],
		raw: {
			runs,
			width: WIDTH,
			createdInMs: round(createdIn),
			allDoneInMs: round(allDoneIn),
			busyCores: round(busyCores, 2),
			busiest,
			lost,
		},
	};
}
