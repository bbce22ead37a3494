/**
 * `SessionPool`: the Durable Object that keeps the harness's Browser Rendering sessions.
 *
 * Split of work: the DO only does bookkeeping and the HTTP calls of the Browser Rendering API
 * (acquire a session with keep-alive, delete one). It hands out session ids; the Worker handling
 * a browse connects to its session with `puppeteer.connect`, drives the page and disconnects. Why
 * not drive pages in the DO: one DO is one isolate, so every page of every browse would share its
 * CPU and its event loop, and a hung page would stall the queue everyone waits in. Keeping
 * WebSockets out of the DO keeps acquire/release fast and lets browses run in parallel Workers.
 *
 * Pool operations are RPC methods (`acquire`, `release`, `stats`, `scale`); idle sessions are
 * closed from the DO alarm. The logic lives in `PoolCore`; this class adds storage and the alarm.
 */
import type { PoolStats } from "@ow/schemas";
import { DurableObject } from "cloudflare:workers";
import { createSessionDriver } from "./browser-client";
import { readConfig } from "./config";
import { BrowserHarnessError } from "./errors";
import { PoolCore } from "./pool-core";
import type {
	AcquireOutcome,
	AcquireRequest,
	PoolCounters,
	PoolStore,
	SessionDriver,
	SessionRecord,
} from "./pool-types";

/** The one pool every harness instance shares. */
export const POOL_NAME = "default";

/** A lease older than this is from a browse that died without releasing it (longest browse + margin). */
export const LEASE_TTL_MS = 5 * 60_000;

/** The session pool Durable Object; see the module comment. */
export class SessionPool extends DurableObject<Env> {
	/**
	 * Talks to Browser Rendering. An instance property, not a method, so RPC cannot reach it; tests
	 * swap in a fake through `runInDurableObject`.
	 */
	driver: SessionDriver;
	/** The clock; tests move it to age sessions. */
	now: () => number = () => Date.now();
	readonly #core: PoolCore;

	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		const config = readConfig(env);
		this.driver = createSessionDriver(env.BROWSER, { keepAliveMs: keepAliveFor(config.sessionIdleMs) });
		this.#core = new PoolCore({
			driver: { launch: () => this.driver.launch(), close: (id) => this.driver.close(id) },
			store: kvPoolStore(ctx.storage.kv),
			defaultSize: config.poolSize,
			idleMs: config.sessionIdleMs,
			leaseTtlMs: LEASE_TTL_MS,
			now: () => this.now(),
			newId: () => crypto.randomUUID(),
		});
	}

	/** Lends a session id, launching or queueing as needed. */
	async acquire(request: AcquireRequest): Promise<AcquireOutcome> {
		try {
			const lease = await this.#core.acquire(request);
			await this.#scheduleSweep();
			return { ok: true, lease };
		} catch (error) {
			const failure = BrowserHarnessError.fromUnknown(error);
			return { ok: false, error: { code: failure.code, message: failure.message } };
		}
	}

	/** Takes a lease back; `healthy: false` throws the session away (it is then replaced). */
	async release(leaseId: string, healthy: boolean): Promise<boolean> {
		const known = this.#core.release(leaseId, healthy);
		await this.#scheduleSweep();
		return known;
	}

	/** The pool's state. */
	async stats(): Promise<PoolStats> {
		return this.#core.stats();
	}

	/** Sets the size limit (persisted; overrides `BROWSER_POOL_SIZE`). */
	async scale(size: number): Promise<PoolStats> {
		const stats = this.#core.scale(size);
		await this.#scheduleSweep();
		return stats;
	}

	/** Closes idle sessions and forgets abandoned leases, then sets the next alarm. */
	override async alarm(): Promise<void> {
		await this.#core.sweep();
		await this.#scheduleSweep();
	}

	async #scheduleSweep(): Promise<void> {
		const at = this.#core.nextSweepAt();
		if (at === null) await this.ctx.storage.deleteAlarm();
		else await this.ctx.storage.setAlarm(Math.max(at, Date.now() + 1_000));
	}
}

/** Keep-alive asked of Browser Rendering: longer than our idle close, within its 10 s to 10 min range. */
export function keepAliveFor(idleMs: number): number {
	return Math.min(600_000, Math.max(10_000, idleMs + 60_000));
}

const SESSION_PREFIX = "browser-session:";
const META_KEY = "pool:meta";

function sessionKey(id: string): string {
	return SESSION_PREFIX + id;
}

/** `PoolStore` over the DO's synchronous SQLite KV API. */
function kvPoolStore(kv: SyncKvStorage): PoolStore {
	return {
		loadSessions: () => [...kv.list<SessionRecord>({ prefix: SESSION_PREFIX })].map(([, record]) => record),
		saveSession: (record) => kv.put(sessionKey(record.id), record),
		deleteSession: (id) => void kv.delete(sessionKey(id)),
		loadMeta: () => {
			const meta = kv.get<{ size: number | null; counters: PoolCounters }>(META_KEY);
			return meta ?? { size: null, counters: { launched: 0, reused: 0, replaced: 0 } };
		},
		saveMeta: (size, counters) => kv.put(META_KEY, { size, counters }),
	};
}
