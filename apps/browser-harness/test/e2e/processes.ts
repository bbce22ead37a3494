/**
 * Finds the Chromium browsers a given `wrangler dev` launched, by walking /proc: the wrangler
 * processes are the ones started with `--port <port>`, and the browsers are their descendants that
 * run Chromium without a `--type=` flag (renderers, GPU and utility processes have one). Other
 * wrangler instances on the machine, and their browsers, are never touched.
 */
import { readdirSync, readFileSync } from "node:fs";

interface Proc {
	pid: number;
	ppid: number;
	/** The command line, arguments joined by spaces (Chromium rewrites its own into one string). */
	command: string;
}

function processes(): Proc[] {
	const list: Proc[] = [];
	for (const entry of readdirSync("/proc")) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
			const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
			const command = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").join(" ").trim();
			list.push({ pid: Number(entry), ppid, command });
		} catch (_error) {
			// The process ended while we were reading /proc: it is no one's browser any more.
		}
	}
	return list;
}

/** Pids of the Chromium browser processes under the `wrangler dev` listening on `port`. */
export function chromiumBrowsersOf(port: number): number[] {
	const all = processes();
	const roots = all.filter((p) => / dev /.test(p.command) && new RegExp(`--port ${port}( |$)`).test(p.command));
	const children = new Map<number, Proc[]>();
	for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
	const found = new Set<number>();
	const seen = new Set<number>();
	const stack = [...roots];
	while (stack.length > 0) {
		const p = stack.pop()!;
		if (seen.has(p.pid)) continue;
		seen.add(p.pid);
		const program = p.command.split(" ")[0] ?? "";
		if (/chrom/i.test(program) && !p.command.includes(" --type=")) found.add(p.pid);
		stack.push(...(children.get(p.pid) ?? []));
	}
	return [...found];
}
