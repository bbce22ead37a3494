/** Starts the harness under `wrangler dev` for e2e tests, and talks to it over HTTP. */
import type { BrowseResult, PoolStats } from "@ow/schemas";
import { startWranglerDev, type WranglerDev } from "@ow/testing";

/** A running harness. */
export interface Harness {
	dev: WranglerDev;
	browse(body: Record<string, unknown>): Promise<{ status: number; result: BrowseResult }>;
	pool(): Promise<PoolStats>;
	get(path: string): Promise<Response>;
	stop(): Promise<void>;
}

/** Starts the harness with the given vars (on top of the development env). */
export async function startHarness(vars: Record<string, string>): Promise<Harness> {
	const dev = await startWranglerDev({
		configs: ["apps/browser-harness/wrangler.jsonc"],
		vars,
		readyTimeoutMs: 120_000,
	});
	const get = (path: string) => fetch(`${dev.url}${path}`);
	return {
		dev,
		get,
		async browse(body) {
			const res = await fetch(`${dev.url}/browse`, {
				method: "POST",
				headers: { "content-type": "application/json" },
				body: JSON.stringify(body),
			});
			return { status: res.status, result: (await res.json()) as BrowseResult };
		},
		async pool() {
			return (await (await get("/pool")).json()) as PoolStats;
		},
		stop: () => dev.stop(),
	};
}

/** Polls `check` until it holds, or fails with `what` after `timeoutMs`. */
export async function waitFor(
	what: string,
	check: () => boolean | Promise<boolean>,
	timeoutMs = 30_000,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (await check()) return;
		await new Promise((r) => setTimeout(r, 100));
	}
	throw new Error(`timed out waiting for ${what}`);
}
