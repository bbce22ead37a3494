/**
 * CPU counters of a process tree from /proc: how much of the machine the local runtime used during a
 * measurement, the counter that explains a latency figure on a small machine.
 */
import { readFileSync } from "node:fs";
import { descendantsOf } from "@ow/testing";

/** Linux reports utime and stime in clock ticks; 100 per second on every mainstream kernel config. */
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) used so far by `rootPid` and every process below it. */
export function cpuSecondsOfTree(rootPid: number): number {
	let ticks = 0;
	for (const pid of [rootPid, ...descendantsOf([rootPid]).map((p) => p.pid)]) {
		try {
			const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
			const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
			ticks += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
		} catch (_error) {
			// The process ended meanwhile; its time is gone from /proc with it.
		}
	}
	return ticks / TICKS_PER_SECOND;
}

/** Runs `body` and reports the cores the tree kept busy on average meanwhile. */
export async function withCpu<T>(rootPid: number, body: () => Promise<T>): Promise<{ value: T; busyCores: number }> {
	const cpu0 = cpuSecondsOfTree(rootPid);
	const t0 = performance.now();
	const value = await body();
	const seconds = (performance.now() - t0) / 1000;
	return { value, busyCores: (cpuSecondsOfTree(rootPid) - cpu0) / seconds };
}
