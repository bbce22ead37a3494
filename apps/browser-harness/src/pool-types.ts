/**
 * The types of the session pool, shared by the pool's logic (`PoolCore`), its Durable Object
 * (`SessionPool`), the Worker's lease loop and the tests' fakes.
 *
 * - `SessionDriver`: the Browser Rendering calls the pool makes.
 * - `SessionRecord`, `PoolCounters`, `PoolStore`: the pool's persisted state and where it lives.
 * - `AcquireRequest`, `Lease`, `AcquireOutcome`: asking for a session and what comes back.
 */
import type { BrowserHarnessErrorCode } from "./errors";

/** The two Browser Rendering calls the pool makes; `createSessionDriver` is the real one. */
export interface SessionDriver {
	/** Starts a new session (keep-alive set) and returns its id. Throws a `BrowserHarnessError`. */
	launch(): Promise<string>;
	/** Ends a session for good. */
	close(sessionId: string): Promise<void>;
}

/** A pooled session as stored. */
export interface SessionRecord {
	id: string;
	/** Set while the session is lent out. */
	leaseId: string | null;
	launchedAt: number;
	lastUsedAt: number;
	/** When the lease was given or last renewed; it expires `leaseTtlMs` later. */
	leasedAt: number | null;
}

/** Counters that survive restarts of the DO. */
export interface PoolCounters {
	launched: number;
	reused: number;
	replaced: number;
}

/** Where the pool keeps its state; synchronous on purpose (see the module comment). */
export interface PoolStore {
	loadSessions(): SessionRecord[];
	saveSession(record: SessionRecord): void;
	deleteSession(id: string): void;
	loadMeta(): { size: number | null; counters: PoolCounters };
	saveMeta(size: number | null, counters: PoolCounters): void;
}

/** What a browse asks the pool for. */
export interface AcquireRequest {
	/** Higher is served first when the browse has to queue. */
	priority: number;
	/** How long the browse may wait in the queue before giving up with `browser-unavailable`. */
	waitMs: number;
}

/** A session lent to one browse; give it back with `release(leaseId, healthy)`. */
export interface Lease {
	leaseId: string;
	sessionId: string;
	/** True when an already open session served the acquisition. */
	reused: boolean;
}

/** `SessionPool.acquire`'s answer: errors are values, because RPC drops a thrown error's fields. */
export type AcquireOutcome =
	| { ok: true; lease: Lease }
	| { ok: false; error: { code: BrowserHarnessErrorCode; message: string } };
