/**
 * The browser harness as a user runs it: its own `wrangler dev` (local Browser Rendering, the
 * SessionPool Durable Object, Debian's Chromium) reached over HTTP: `POST /browse`, `GET /pool`.
 */
import type { BrowseResult, PoolStats } from "@ow/schemas";
import { startWranglerDev } from "@ow/testing";

/** A running harness. */
export interface HarnessClient {
	url: string;
	/** `POST /browse {url}`; throws unless the page was read, so a failed browse never counts as a fast one. */
	browse(url: string): Promise<Extract<BrowseResult, { ok: true }>["page"]>;
	pool(): Promise<PoolStats>;
	/** Stops wrangler and every Chromium it launched. */
	stop(): Promise<void>;
}

/** Starts the harness with `vars` on top of its development env (and its `.dev.vars`). */
export async function startHarnessClient(vars: Record<string, string>): Promise<HarnessClient> {
	const dev = await startWranglerDev({
		configs: ["apps/browser-harness/wrangler.jsonc"],
		vars,
		readyTimeoutMs: 120_000,
	});
	return {
		url: dev.url,
		async browse(url) {
			const res = await fetch(`${dev.url}/browse`, {
				method: "POST",
				headers: { "content-type": "application/json" },
				body: JSON.stringify({ url }),
			});
			const result = (await res.json()) as BrowseResult;
			if (!result.ok) throw new Error(`POST /browse answered ${res.status}: ${JSON.stringify(result.error)}`);
			return result.page;
		},
		async pool() {
			const res = await fetch(`${dev.url}/pool`);
			if (res.status !== 200) throw new Error(`GET /pool answered ${res.status}: ${await res.text()}`);
			return (await res.json()) as PoolStats;
		},
		stop: () => dev.stop(),
	};
}
