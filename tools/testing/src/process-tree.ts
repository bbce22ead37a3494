/**
 * Processes read from /proc, for tests that must find or stop what a launched program started:
 * Chromium runs in a session of its own, so killing the launcher's process group does not reach it.
 */
import { readdirSync, readFileSync } from "node:fs";

export interface ProcessInfo {
	pid: number;
	ppid: number;
	/** The command line, arguments joined by spaces. */
	command: string;
}

/** Every process on the machine (Linux /proc). */
export function listProcesses(): ProcessInfo[] {
	const list: ProcessInfo[] = [];
	for (const entry of readdirSync("/proc")) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
			const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
			const command = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").join(" ").trim();
			list.push({ pid: Number(entry), ppid, command });
		} catch (_error) {
			// The process ended while /proc was being read: it is nobody's descendant any more.
		}
	}
	return list;
}

/** The processes under `roots` (not the roots themselves), depth first. */
export function descendantsOf(roots: number[], all = listProcesses()): ProcessInfo[] {
	const children = new Map<number, ProcessInfo[]>();
	for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
	const found: ProcessInfo[] = [];
	const stack = roots.flatMap((pid) => children.get(pid) ?? []);
	const seen = new Set<number>();
	while (stack.length > 0) {
		const p = stack.pop()!;
		if (seen.has(p.pid)) continue;
		seen.add(p.pid);
		found.push(p);
		stack.push(...(children.get(p.pid) ?? []));
	}
	return found;
}

/**
 * Pids of the Chromium browser processes under the `wrangler dev` whose process id is `wranglerPid`:
 * its descendants that run Chromium without a `--type=` flag (renderers, GPU and utility processes
 * have one). Other wrangler instances on the machine, and their browsers, are never touched.
 */
export function chromiumBrowsersOf(wranglerPid: number): number[] {
	return descendantsOf([wranglerPid])
		.filter((p) => /chrom/i.test(p.command.split(" ")[0] ?? "") && !p.command.includes(" --type="))
		.map((p) => p.pid);
}
