/**
 * The browser harness Worker. The orchestrator calls `BrowserHarness` through a service binding
 * (RPC); the default export is a small HTTP surface for status, scaling and direct use.
 */
import type {
	AgentActRequest,
	AgentOpenRequest,
	AgentSessionResult,
	BrowseRequest,
	BrowseResult,
	PoolStats,
} from "@ow/schemas";
import { poolScaleRequestSchema } from "@ow/schemas";
import { WorkerEntrypoint } from "cloudflare:workers";
import { z } from "zod";
import { actInAgentSession, openAgentSession, releaseAgentSession } from "./agent-session";
import { browse, deleteRunArtifacts, readArtifact } from "./browse";
import { BrowserHarnessError } from "./errors";
import { createApp } from "./http/app";
import { POOL_NAME } from "./session-pool";

export { SessionPool } from "./session-pool";

/** The RPC entrypoint (service binding `BROWSER_HARNESS` with `entrypoint: "BrowserHarness"`). */
export class BrowserHarness extends WorkerEntrypoint<Env> {
	/**
	 * Opens `request.url` and returns its content, or `{ok: false, error}`; never throws for expected
	 * failures.
	 */
	async browse(request: BrowseRequest): Promise<BrowseResult> {
		return browse(this.env, request);
	}

	/**
	 * Agent sessions, one durable step of the caller at a time. `openSession` leases a browser
	 * session for the agent (`leaseId`, the caller's), loads the start URL and answers what the model
	 * sees; a retry with the same id observes the same page.
	 */
	async openSession(request: AgentOpenRequest): Promise<AgentSessionResult> {
		return openAgentSession(this.env, request);
	}

	/**
	 * Performs action k the model picked, at most once: a retry of the same k is answered from the
	 * record of what was done, never by acting again. A page whose session was lost is rebuilt by
	 * replaying the recorded actions that are safe to replay; when one is not (it sent a form), the
	 * answer is `session-lost`, naming it. `done` answers the final page.
	 */
	async act(request: AgentActRequest): Promise<AgentSessionResult> {
		return actInAgentSession(this.env, request);
	}

	/** Ends an agent session: closes its page and gives the session back. False when it was already gone. */
	async releaseSession(leaseId: string): Promise<boolean> {
		return releaseAgentSession(this.env, leaseId);
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
