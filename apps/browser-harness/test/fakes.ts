/** Fakes that record calls, for the pool and the lease loop; an action builder for the agent's rules. */
import type { AgentAction } from "@ow/schemas";
import type { PoolCounters, PoolStore, SessionDriver, SessionRecord } from "../src/pool-types";

/** A driver whose launches and closes are recorded; launches can be made to fail or wait. */
export class FakeDriver implements SessionDriver {
	readonly launches: string[] = [];
	readonly closes: string[] = [];
	/** Errors thrown by the next launches, in order. */
	readonly failures: unknown[] = [];
	/** While set, launches wait for it. */
	gate: Promise<void> | null = null;
	#next = 1;

	async launch(): Promise<string> {
		if (this.gate) await this.gate;
		const failure = this.failures.shift();
		if (failure !== undefined) throw failure;
		const id = `s${this.#next++}`;
		this.launches.push(id);
		return id;
	}

	async close(sessionId: string): Promise<void> {
		this.closes.push(sessionId);
	}
}

/** A `PoolStore` in memory. */
export class MemoryStore implements PoolStore {
	readonly sessions = new Map<string, SessionRecord>();
	size: number | null = null;
	counters: PoolCounters = { launched: 0, reused: 0, replaced: 0 };

	loadSessions(): SessionRecord[] {
		return [...this.sessions.values()].map((r) => ({ ...r }));
	}
	saveSession(record: SessionRecord): void {
		this.sessions.set(record.id, { ...record });
	}
	deleteSession(id: string): void {
		this.sessions.delete(id);
	}
	loadMeta() {
		return { size: this.size, counters: { ...this.counters } };
	}
	saveMeta(size: number | null, counters: PoolCounters): void {
		this.size = size;
		this.counters = { ...counters };
	}
}

/** A clock tests move by hand. */
export class FakeClock {
	constructor(public ms = 1_000_000) {}
	now = (): number => this.ms;
	advance(ms: number): void {
		this.ms += ms;
	}
}

/** A promise and its resolver. */
export function deferred(): { promise: Promise<void>; resolve: () => void } {
	let resolve!: () => void;
	const promise = new Promise<void>((r) => (resolve = r));
	return { promise, resolve };
}

/** Lets queued microtasks and promise callbacks run. */
export async function flush(): Promise<void> {
	for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
}

/** An action with the unused fields null. */
export function action(type: AgentAction["type"], fields: Partial<Omit<AgentAction, "type">> = {}): AgentAction {
	return { type, ref: null, text: null, url: null, reason: `test ${type}`, ...fields };
}
