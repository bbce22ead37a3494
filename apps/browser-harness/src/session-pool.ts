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
 * Pool operations are RPC methods (`acquire`, `release`, `renew`, `stats`, `scale`); idle sessions are
 * closed from the DO alarm. The logic lives in `PoolCore`; this class adds storage and the alarm.
 * It also keeps the records of agent sessions (`agent-journal.ts`): which session and page each
 * holds across the caller's steps, and which actions it performed, so none is performed twice.
 */
import type { AgentAction, AgentStep, PoolStats } from "@ow/schemas";
import { DurableObject } from "cloudflare:workers";
import {
	beginAct,
	finishAct,
	type ActDecision,
	type ActedElement,
	type AgentLeaseRecord,
	type JournalEntry,
} from "./agent-journal";
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

/**
 * A lease not renewed for this long is from a browse that died without releasing it (longest browse +
 * margin); an agent session renews its lease at every step, so this is also the longest pause between
 * its steps (a decision waiting for a model retry) before its session is reclaimed.
 */
export const LEASE_TTL_MS = 5 * 60_000;

/**
 * An agent session's record (its journal of actions) is dropped this long after its last step: long
 * after its session was reclaimed, so that a late step can still rebuild the page, or learn that
 * an action it retries was already performed.
 */
export const AGENT_RECORD_TTL_MS = 60 * 60_000;

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

	/** Extends a lease's time to live (agent sessions, at every step); false once it is gone. */
	async renew(leaseId: string): Promise<boolean> {
		const renewed = this.#core.renew(leaseId);
		await this.#scheduleSweep();
		return renewed;
	}

	/** An agent session's record, or null when there is none (never opened, released, or expired). */
	async agentRecord(id: string): Promise<AgentLeaseRecord | null> {
		return this.ctx.storage.kv.get<AgentLeaseRecord>(agentKey(id)) ?? null;
	}

	/**
	 * Stores an agent session's record (marking it used now). Its journal is changed only by
	 * `beginAgentAct` and `finishAgentAct`: a stored journal is kept, whatever the caller's copy says.
	 */
	async saveAgentRecord(record: AgentLeaseRecord): Promise<void> {
		const stored = this.ctx.storage.kv.get<AgentLeaseRecord>(agentKey(record.id));
		this.#putAgentRecord({ ...record, journal: stored?.journal ?? record.journal });
		await this.#scheduleSweep();
	}

	#putAgentRecord(record: AgentLeaseRecord): void {
		this.ctx.storage.kv.put(agentKey(record.id), { ...record, touchedAt: this.now() });
	}

	/**
	 * Starts action k of an agent session unless it was started before (see `beginAct`); null when the
	 * session has no record. Atomic: two attempts of the same step cannot both be told to perform it.
	 */
	async beginAgentAct(
		id: string,
		k: number,
		action: AgentAction,
		element: ActedElement | null,
	): Promise<ActDecision | null> {
		const record = this.ctx.storage.kv.get<AgentLeaseRecord>(agentKey(id));
		if (!record) return null;
		const decision = beginAct(record, k, action, element);
		this.#putAgentRecord(record);
		await this.#scheduleSweep();
		return decision;
	}

	/** Records how action k went; false when the session has no record any more. */
	async finishAgentAct(
		id: string,
		k: number,
		step: AgentStep,
		verdict: Pick<JournalEntry, "replay" | "why">,
	): Promise<boolean> {
		const record = this.ctx.storage.kv.get<AgentLeaseRecord>(agentKey(id));
		if (!record) return false;
		finishAct(record, k, step, verdict);
		this.#putAgentRecord(record);
		return true;
	}

	/**
	 * Ends an agent session: drops its record and gives its lease back (`healthy: false` throws the
	 * session away). False when there was no record (released before, or expired).
	 */
	async dropAgentRecord(id: string, healthy: boolean): Promise<boolean> {
		const record = this.ctx.storage.kv.get<AgentLeaseRecord>(agentKey(id));
		if (!record) return false;
		this.ctx.storage.kv.delete(agentKey(id));
		if (record.poolLeaseId) this.#core.release(record.poolLeaseId, healthy);
		await this.#scheduleSweep();
		return true;
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

	/** Closes idle sessions, forgets abandoned leases and expired agent records, then sets the next alarm. */
	override async alarm(): Promise<void> {
		const now = this.now();
		for (const record of this.#agentRecords()) {
			if (now - record.touchedAt < AGENT_RECORD_TTL_MS) continue;
			this.ctx.storage.kv.delete(agentKey(record.id));
			// Its page may still be open in the session: throw the session away rather than lend it on.
			if (record.poolLeaseId) this.#core.release(record.poolLeaseId, false);
		}
		await this.#core.sweep();
		await this.#scheduleSweep();
	}

	#agentRecords(): AgentLeaseRecord[] {
		return [...this.ctx.storage.kv.list<AgentLeaseRecord>({ prefix: AGENT_PREFIX })].map(([, record]) => record);
	}

	async #scheduleSweep(): Promise<void> {
		const expiries = this.#agentRecords().map((r) => r.touchedAt + AGENT_RECORD_TTL_MS);
		const pool = this.#core.nextSweepAt();
		if (pool !== null) expiries.push(pool);
		if (expiries.length === 0) await this.ctx.storage.deleteAlarm();
		else await this.ctx.storage.setAlarm(Math.max(Math.min(...expiries), Date.now() + 1_000));
	}
}

/** Keep-alive asked of Browser Rendering: longer than our idle close, within its 10 s to 10 min range. */
export function keepAliveFor(idleMs: number): number {
	return Math.min(600_000, Math.max(10_000, idleMs + 60_000));
}

const SESSION_PREFIX = "browser-session:";
const AGENT_PREFIX = "agent-lease:";

function agentKey(id: string): string {
	return AGENT_PREFIX + id;
}
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
