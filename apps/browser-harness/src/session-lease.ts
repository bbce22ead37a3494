/**
 * Borrowing a pooled session for one browse, from the Worker's side: acquire a lease from the pool
 * DO, connect, run the work, then disconnect and give the lease back, in `finally`, whatever
 * happened. A session that cannot be connected to (or fails its probe) goes back as unhealthy, the
 * pool throws it away, and the browse tries again with another session.
 */
import { BrowserHarnessError } from "./errors";
import type { AcquireOutcome, AcquireRequest } from "./pool-types";

/** The pool as the Worker calls it; the DO stub fits, and so does a fake. */
export interface PoolClient {
	acquire(request: AcquireRequest): Promise<AcquireOutcome>;
	release(leaseId: string, healthy: boolean): Promise<boolean>;
}

/** What the lease loop needs of a connected browser. */
export interface LeasedBrowser {
	readonly connected: boolean;
	disconnect(): Promise<void>;
}

/** Dependencies of `withLeasedBrowser`. */
export interface LeaseDeps<B extends LeasedBrowser> {
	pool: PoolClient;
	/** Connects to a session; throws `session-lost` when it cannot. */
	connect: (sessionId: string) => Promise<B>;
	/** Sessions tried before giving up with `browser-unavailable`; 3 unless given. */
	attempts?: number;
}

/**
 * Runs `work` with a connected pooled browser. The session is given back healthy unless the
 * connection dropped or `work` failed with `session-lost`; then the pool replaces it.
 */
export async function withLeasedBrowser<B extends LeasedBrowser, T>(
	deps: LeaseDeps<B>,
	request: AcquireRequest,
	work: (browser: B) => Promise<T>,
): Promise<T> {
	const attempts = deps.attempts ?? 3;
	let lastError: unknown;
	for (let attempt = 1; attempt <= attempts; attempt++) {
		const outcome = await deps.pool.acquire(request);
		if (!outcome.ok) throw new BrowserHarnessError(outcome.error.code, outcome.error.message);
		const { leaseId, sessionId } = outcome.lease;
		let browser: B;
		try {
			browser = await deps.connect(sessionId);
		} catch (error) {
			lastError = error;
			await deps.pool.release(leaseId, false);
			continue;
		}
		let healthy = true;
		try {
			return await work(browser);
		} catch (error) {
			healthy = BrowserHarnessError.fromUnknown(error).code !== "session-lost";
			throw error;
		} finally {
			healthy &&= browser.connected;
			await disconnectQuietly(browser, sessionId);
			await deps.pool.release(leaseId, healthy);
		}
	}
	throw new BrowserHarnessError("browser-unavailable", `no working browser session after ${attempts} tries`, {
		cause: lastError,
	});
}

async function disconnectQuietly(browser: LeasedBrowser, sessionId: string): Promise<void> {
	try {
		await browser.disconnect();
	} catch (error) {
		// Disconnecting only drops our WebSocket; if that fails the socket is already gone.
		console.warn(JSON.stringify({ msg: "disconnect failed", sessionId, error: String(error) }));
	}
}
