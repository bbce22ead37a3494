/**
 * The Chromium browsers a given `wrangler dev` launched for local Browser Rendering, found by
 * walking /proc: the wrangler processes are the ones started with `--port <port>`, the browsers
 * their descendants that run Chromium without a `--type=` flag (renderers and helpers have one).
 * Other wrangler instances on the machine, and their browsers, are never touched.
 */
import { descendantsOf, listProcesses } from "@ow/testing";

/** Pids of the Chromium browser processes under the `wrangler dev` listening on `port`. */
export function chromiumBrowsersOf(port: number): number[] {
	const all = listProcesses();
	const roots = all.filter((p) => / dev /.test(p.command) && new RegExp(`--port ${port}( |$)`).test(p.command));
	return descendantsOf(
		roots.map((p) => p.pid),
		all,
	)
		.filter((p) => /chrom/i.test(p.command.split(" ")[0] ?? "") && !p.command.includes(" --type="))
		.map((p) => p.pid);
}
