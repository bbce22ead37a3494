/**
 * The browser harness Worker. The orchestrator calls `BrowserHarness` through a service binding
 * (RPC); the default export is a small HTTP surface for status, scaling and direct use.
 */
import type { AgentCallbacks, BrowseRequest, BrowseResult, PoolStats } from "@ow/schemas";
import { poolScaleRequestSchema } from "@ow/schemas";
import { WorkerEntrypoint } from "cloudflare:workers";
import { z } from "zod";
import { browse, deleteRunArtifacts, readArtifact } from "./browse";
import { BrowserHarnessError } from "./errors";
import { createApp } from "./http/app";
import { POOL_NAME } from "./session-pool";

export { SessionPool } from "./session-pool";
export type { AgentCallbacks } from "@ow/schemas";

/** The RPC entrypoint (service binding `BROWSER_HARNESS` with `entrypoint: "BrowserHarness"`). */
export class BrowserHarness extends WorkerEntrypoint<Env> {
	/**
	 * Opens `request.url` and returns its content, or `{ok: false, error}`; never throws for expected
	 * failures. With `agent` (agent mode), the harness observes the page and asks `agent.decide` for
	 * each action (RPC passes the functions as stubs, so the model stays with the caller), reports
	 * each step to `agent.progress`, and returns the final page with `page.agent` (answer and steps);
	 * a failed agent run keeps its steps in `actions`.
	 */
	async browse(request: BrowseRequest, agent?: AgentCallbacks): Promise<BrowseResult> {
		return browse(this.env, request, agent);
	}

	/** A screenshot stored by `browse`, by its `screenshotKey`; null when there is none. */
	async artifact(key: string): Promise<{ contentType: string; body: ArrayBuffer } | null> {
		return readArtifact(this.env.ARTIFACTS, key);
	}

	/** Deletes the screenshots `browse` stored for a run (its retention ended or it was purged); returns how many. */
	async deleteRunArtifacts(runId: string): Promise<number> {
		return deleteRunArtifacts(this.env.ARTIFACTS, runId);
	}

	/** The session pool's state. */
	async poolStats(): Promise<PoolStats> {
		return this.env.SESSION_POOL.getByName(POOL_NAME).stats();
	}

	/** Sets the pool's size limit (persisted). Throws `invalid-request` for a size out of bounds. */
	async scalePool(size: number): Promise<PoolStats> {
		const parsed = poolScaleRequestSchema.safeParse({ size });
		if (!parsed.success) throw new BrowserHarnessError("invalid-request", z.prettifyError(parsed.error));
		return this.env.SESSION_POOL.getByName(POOL_NAME).scale(parsed.data.size);
	}
}

export default createApp() satisfies ExportedHandler<Env>;
