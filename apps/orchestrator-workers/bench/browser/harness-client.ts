/**
 * The browser harness as a user runs it: its own `wrangler dev` (local Browser Rendering, the
 * SessionPool Durable Object, Debian's Chromium) reached over HTTP: `POST /browse`, `GET /pool`.
 */
import type { BrowseResult, PoolStats } from "@ow/schemas";
import { startHarness } from "@ow/testing";

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
	const harness = await startHarness(vars);
	return {
		url: harness.dev.url,
		async browse(url) {
			const { status, result } = await harness.browse({ url });
			if (!result.ok) throw new Error(`POST /browse answered ${status}: ${JSON.stringify(result.error)}`);
			return result.page;
		},
		pool: () => harness.pool(),
		stop: () => harness.stop(),
	};
}
