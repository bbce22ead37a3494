/**
 * CPU counters of a process tree from /proc: how much of the machine the local runtime used during a
 * measurement, the counter that explains a latency figure on a small machine. workerd runs every
 * Worker, Durable Object and Workflow of `wrangler dev` on one thread, so its own share (near 1.0
 * means that thread was never idle) matters more than the tree's total.
 */
import { readFileSync } from "node:fs";
import { descendantsOf } from "@ow/testing";

/** Linux reports utime and stime in clock ticks; 100 per second on every mainstream kernel config. */
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) used so far by `rootPid` and each process below it, by pid. */
function cpuSecondsByProcess(rootPid: number): Map<number, { name: string; seconds: number }> {
	const found = new Map<number, { name: string; seconds: number }>();
	for (const pid of [rootPid, ...descendantsOf([rootPid]).map((p) => p.pid)]) {
		try {
			const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
			const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
			const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
			// utime and stime: fields 14 and 15 of /proc/<pid>/stat.
			found.set(pid, { name, seconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND });
		} catch (_error) {
			// The process ended meanwhile; its time is gone from /proc with it.
		}
	}
	return found;
}

/** What a process tree used while `body` ran, in cores (CPU seconds per wall-clock second). */
export interface CpuUse {
	/** The whole tree. */
	busyCores: number;
	/** The single busiest process, e.g. workerd. */
	busiest: { name: string; cores: number };
}

/** Runs `body` and reports the cores the tree kept busy on average meanwhile. */
export async function withCpu<T>(rootPid: number, body: () => Promise<T>): Promise<{ value: T } & CpuUse> {
	const before = cpuSecondsByProcess(rootPid);
	const t0 = performance.now();
	const value = await body();
	const seconds = (performance.now() - t0) / 1000;
	const after = cpuSecondsByProcess(rootPid);
	let busyCores = 0;
	let busiest = { name: "none", cores: 0 };
	for (const [pid, { name, seconds: used }] of after) {
		const cores = (used - (before.get(pid)?.seconds ?? 0)) / seconds;
		busyCores += cores;
		if (cores > busiest.cores) busiest = { name, cores };
	}
	return { value, busyCores, busiest };
}

/**
 * The workerd under `rootPid` that has used the most CPU so far: the one running the Workers, not
 * wrangler's proxy (a `wrangler dev` runs two).
 */
export function busiestWorkerd(rootPid: number): number {
	const workerds = [...cpuSecondsByProcess(rootPid)].filter(([, p]) => p.name === "workerd");
	const [busiest] = workerds.toSorted(([, a], [, b]) => b.seconds - a.seconds);
	if (!busiest) throw new Error(`no workerd runs under process ${rootPid}`);
	return busiest[0];
}

/** CPU seconds workerd (every Worker, Durable Object and Workflow of the `wrangler dev`) has used so far. */
export function workerdSeconds(rootPid: number): number {
	let seconds = 0;
	for (const p of cpuSecondsByProcess(rootPid).values()) if (p.name === "workerd") seconds += p.seconds;
	return seconds;
}
