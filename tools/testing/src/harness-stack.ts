/**
 * The browser harness alone under `wrangler dev` (local Browser Rendering, its SessionPool, Debian's
 * Chromium), reached over its HTTP routes: what the harness's end-to-end tests and the browser
 * benchmark run against.
 */
import type { BrowseResult, PoolStats } from "@ow/schemas";
import { startWranglerDev, type WranglerDev } from "./wrangler-dev.ts";

/** A running harness. */
export interface Harness {
	dev: WranglerDev;
	/** `POST /browse` with `body`; the status and the result, whatever they are. */
	browse(body: Record<string, unknown>): Promise<{ status: number; result: BrowseResult }>;
	/** `GET /pool`; throws unless it answers 200. */
	pool(): Promise<PoolStats>;
	get(path: string): Promise<Response>;
	/** Stops wrangler and every Chromium it launched. */
	stop(): Promise<void>;
}

/** Starts the harness with `vars` on top of its development env (and its `.dev.vars`). */
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
			const res = await get("/pool");
			if (res.status !== 200) throw new Error(`GET /pool answered ${res.status}: ${await res.text()}`);
			return (await res.json()) as PoolStats;
		},
		stop: () => dev.stop(),
	};
}
