/**
 * The browser harness as the orchestrator uses it, through the `BROWSER_HARNESS` service binding (RPC
 * to the harness's `BrowserHarness` entrypoint). Typed by shape so tests can pass a fake and this app
 * never imports the harness's code; answers are validated where they are used.
 */
import type { AgentActRequest, AgentOpenRequest, BrowseRequest } from "@ow/schemas";

export interface BrowserHarnessBinding {
	browse(request: BrowseRequest): Promise<unknown>;
	/** Agent sessions: lease a session and open the start URL; perform action k at most once; release. */
	openSession(request: AgentOpenRequest): Promise<unknown>;
	act(request: AgentActRequest): Promise<unknown>;
	releaseSession(leaseId: string): Promise<boolean>;
	artifact(key: string): Promise<{ contentType: string; body: ArrayBuffer } | null>;
	deleteRunArtifacts(runId: string): Promise<number>;
	poolStats(): Promise<unknown>;
	scalePool(size: number): Promise<unknown>;
}

/** The harness binding with its RPC methods (generated types know it only as a Fetcher). */
export function harnessOf(env: Env): BrowserHarnessBinding {
	return env.BROWSER_HARNESS as unknown as BrowserHarnessBinding;
}
