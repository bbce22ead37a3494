/**
 * The session pool's logic, free of Durable Object and puppeteer so tests drive it with fakes.
 * `SessionPool` (the DO) owns one `PoolCore` and exposes it over RPC.
 *
 * Invariants:
 * - A session is lent to at most one browse at a time (`leaseId` set while lent).
 * - Open sessions plus launches in flight never exceed `size`, except briefly after a scale-down:
 *   busy sessions above the new size are closed when they come back.
 * - A browse waits in the queue only while no session is idle and there is no room to launch one.
 *   The queue is served by priority (higher first), then by age.
 *
 * Locking: the DO runs one event at a time, and every state change below is synchronous (storage is
 * the synchronous SQLite KV API), so each change is atomic without an explicit lock. The only awaits
 * are Browser Rendering calls (launch, close), made after the state change that reserves their slot
 * (`#launching`) and followed by one that records the outcome: nothing is held across them.
 */
import type { PoolStats } from "@ow/schemas";
import { BrowserHarnessError } from "./errors";
import type { AcquireRequest, Lease, PoolCounters, PoolStore, SessionDriver, SessionRecord } from "./pool-types";

/** What `PoolCore` needs from its host. */
export interface PoolCoreOptions {
	driver: SessionDriver;
	store: PoolStore;
	/** Size until `scale` sets one (`BROWSER_POOL_SIZE`). */
	defaultSize: number;
	/** Idle sessions older than this are closed by `sweep`. */
	idleMs: number;
	/** A lease not renewed for this long belongs to a browse that died without releasing it. */
	leaseTtlMs: number;
	now: () => number;
	newId: () => string;
}

interface Waiter {
	priority: number;
	seq: number;
	resolve: (lease: Lease) => void;
	reject: (error: unknown) => void;
	timer: ReturnType<typeof setTimeout>;
}

/** The session pool: lend, take back, replace, queue, scale, sweep. */
export class PoolCore {
	readonly #options: PoolCoreOptions;
	readonly #sessions = new Map<string, SessionRecord>();
	#waiters: Waiter[] = [];
	#launching = 0;
	#unhealthy = 0;
	#seq = 0;
	#size: number | null;
	#counters: PoolCounters;
	readonly #background = new Set<Promise<void>>();

	constructor(options: PoolCoreOptions) {
		this.#options = options;
		for (const record of options.store.loadSessions()) this.#sessions.set(record.id, record);
		const meta = options.store.loadMeta();
		this.#size = meta.size;
		this.#counters = { ...meta.counters };
	}

	/** The current size limit. */
	get size(): number {
		return this.#size ?? this.#options.defaultSize;
	}

	/** A snapshot of the pool. */
	stats(): PoolStats {
		let busy = 0;
		for (const record of this.#sessions.values()) if (record.leaseId !== null) busy++;
		return {
			size: this.size,
			available: this.#sessions.size - busy,
			busy,
			launching: this.#launching,
			unhealthy: this.#unhealthy,
			queued: this.#waiters.length,
			...this.#counters,
		};
	}

	/**
	 * Lends a session: an idle one if any, else a newly launched one if there is room, else the
	 * browse queues until one comes back (or `waitMs` passes: `browser-unavailable`).
	 */
	acquire(request: AcquireRequest): Promise<Lease> {
		const idle = this.#takeIdle();
		if (idle) return Promise.resolve(this.#lend(idle, true));
		if (this.#hasRoom()) return this.#launch();
		return this.#enqueue(request);
	}

	/**
	 * Takes a lease back. A healthy session goes to the next queued browse or becomes idle; an
	 * unhealthy one (dead, hung) is closed and counted as replaced, and a queued browse gets a new
	 * launch. Unknown or already released leases are ignored (returns false).
	 */
	release(leaseId: string, healthy: boolean): boolean {
		const record = [...this.#sessions.values()].find((r) => r.leaseId === leaseId);
		if (!record) return false;
		if (!healthy) {
			this.#counters.replaced++;
			this.#forget(record, true);
		} else if (this.#sessions.size + this.#launching > this.size) {
			this.#forget(record, false);
		} else {
			record.leaseId = null;
			record.leasedAt = null;
			record.lastUsedAt = this.#options.now();
			this.#options.store.saveSession(record);
		}
		this.#saveMeta();
		this.#pump();
		return true;
	}

	/**
	 * Extends a lease's time to live from now (an agent session holds its lease across steps). False
	 * when the lease is unknown: released, or reclaimed by `sweep` after it expired.
	 */
	renew(leaseId: string): boolean {
		const record = [...this.#sessions.values()].find((r) => r.leaseId === leaseId);
		if (!record) return false;
		record.leasedAt = this.#options.now();
		this.#options.store.saveSession(record);
		return true;
	}

	/** Sets the size limit; closes idle sessions above it at once, busy ones when they come back. */
	scale(size: number): PoolStats {
		this.#size = size;
		this.#saveMeta();
		const idle = [...this.#sessions.values()]
			.filter((r) => r.leaseId === null)
			.toSorted((a, b) => a.lastUsedAt - b.lastUsedAt);
		while (this.#sessions.size + this.#launching > size && idle.length > 0) this.#forget(idle.shift()!, false);
		this.#pump();
		return this.stats();
	}

	/** Closes idle sessions past `idleMs` and drops leases past `leaseTtlMs`; waits for the closes. */
	async sweep(): Promise<void> {
		const now = this.#options.now();
		for (const record of this.#sessions.values()) {
			const expired =
				record.leaseId === null
					? now - record.lastUsedAt >= this.#options.idleMs
					: now - (record.leasedAt ?? now) >= this.#options.leaseTtlMs;
			if (expired) this.#forget(record, false);
		}
		this.#pump();
		await this.settled();
	}

	/** When `sweep` next has work to do, or null when the pool holds no session. */
	nextSweepAt(): number | null {
		let next: number | null = null;
		for (const record of this.#sessions.values()) {
			const at =
				record.leaseId === null
					? record.lastUsedAt + this.#options.idleMs
					: (record.leasedAt ?? 0) + this.#options.leaseTtlMs;
			next = next === null ? at : Math.min(next, at);
		}
		return next;
	}

	/** Resolves when every close started so far has finished. */
	async settled(): Promise<void> {
		while (this.#background.size > 0) await Promise.allSettled(this.#background);
	}

	#hasRoom(): boolean {
		return this.#sessions.size + this.#launching < this.size;
	}

	/** The most recently used idle session, so the others age out and get closed. */
	#takeIdle(): SessionRecord | undefined {
		let best: SessionRecord | undefined;
		for (const record of this.#sessions.values()) {
			if (record.leaseId === null && (!best || record.lastUsedAt > best.lastUsedAt)) best = record;
		}
		return best;
	}

	#lend(record: SessionRecord, reused: boolean): Lease {
		record.leaseId = this.#options.newId();
		record.leasedAt = this.#options.now();
		if (reused) this.#counters.reused++;
		this.#options.store.saveSession(record);
		this.#saveMeta();
		return { leaseId: record.leaseId, sessionId: record.id, reused };
	}

	async #launch(): Promise<Lease> {
		this.#launching++;
		let sessionId: string;
		try {
			sessionId = await this.#options.driver.launch();
		} catch (error) {
			this.#launching--;
			this.#pump();
			throw BrowserHarnessError.fromUnknown(error);
		}
		this.#launching--;
		this.#counters.launched++;
		const now = this.#options.now();
		const record: SessionRecord = { id: sessionId, leaseId: null, launchedAt: now, lastUsedAt: now, leasedAt: null };
		this.#sessions.set(sessionId, record);
		return this.#lend(record, false);
	}

	#enqueue(request: AcquireRequest): Promise<Lease> {
		return new Promise<Lease>((resolve, reject) => {
			const waiter: Waiter = {
				priority: request.priority,
				seq: this.#seq++,
				resolve,
				reject,
				timer: setTimeout(() => {
					this.#waiters = this.#waiters.filter((w) => w !== waiter);
					const message = `no browser session became free within ${request.waitMs} ms (pool size ${this.size})`;
					reject(new BrowserHarnessError("browser-unavailable", message));
				}, request.waitMs),
			};
			const at = this.#waiters.findIndex((w) => w.priority < waiter.priority);
			this.#waiters.splice(at === -1 ? this.#waiters.length : at, 0, waiter);
		});
	}

	/** Serves queued browses while sessions are idle or there is room to launch. */
	#pump(): void {
		while (this.#waiters.length > 0) {
			const idle = this.#takeIdle();
			if (!idle && !this.#hasRoom()) return;
			const waiter = this.#waiters.shift()!;
			clearTimeout(waiter.timer);
			if (idle) waiter.resolve(this.#lend(idle, true));
			else this.#launch().then(waiter.resolve, waiter.reject);
		}
	}

	/** Removes a session from the pool and closes it in the background. */
	#forget(record: SessionRecord, unhealthy: boolean): void {
		this.#sessions.delete(record.id);
		this.#options.store.deleteSession(record.id);
		if (unhealthy) this.#unhealthy++;
		const closing = this.#options.driver
			.close(record.id)
			.catch((error: unknown) => {
				// Closing is best effort: a dead session is already gone, and Browser Rendering ends any
				// session left behind when its keep-alive runs out.
				console.warn(
					JSON.stringify({ msg: "closing a browser session failed", sessionId: record.id, error: String(error) }),
				);
			})
			.finally(() => {
				if (unhealthy) this.#unhealthy--;
				this.#background.delete(closing);
			});
		this.#background.add(closing);
	}

	#saveMeta(): void {
		this.#options.store.saveMeta(this.#size, this.#counters);
	}
}
