/** Fakes that record calls, for the pool, the lease loop and the agent loop. */
import type { AgentAction, AgentCallbacks, AgentObservation, AgentStep } from "@ow/schemas";
import type { ActOutcome, AgentPage, PageView } from "../src/agent-loop";
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

/** A page for the agent loop: serves scripted views and records what it was asked to perform. */
export class FakeAgentPage implements AgentPage {
	readonly performed: AgentAction[] = [];
	/** Outcomes of the next performs, in order; `ok` when none is left. */
	readonly outcomes: ActOutcome[] = [];
	observations = 0;

	constructor(public view: PageView) {}

	async observe(): Promise<PageView> {
		this.observations++;
		return structuredClone(this.view);
	}

	async perform(performed: AgentAction): Promise<ActOutcome> {
		this.performed.push(performed);
		return this.outcomes.shift() ?? { outcome: "ok", detail: null };
	}
}

/** A scripted model: `decide` answers with `script` in order (null when it runs out) and records what it saw. */
export function scriptedAgent(script: Array<AgentAction | null | Error | Record<string, unknown>>): AgentCallbacks & {
	seen: AgentObservation[];
	reported: Array<AgentStep & { maxIterations: number }>;
} {
	const seen: AgentObservation[] = [];
	const reported: Array<AgentStep & { maxIterations: number }> = [];
	let next = 0;
	return {
		seen,
		reported,
		async decide(observation) {
			seen.push(structuredClone(observation));
			const entry = script[next++] ?? null;
			if (entry instanceof Error) throw entry;
			return entry as AgentAction | null;
		},
		async progress(step) {
			reported.push(step);
		},
	};
}

/** An action with the unused fields null. */
export function action(type: AgentAction["type"], fields: Partial<Omit<AgentAction, "type">> = {}): AgentAction {
	return { type, ref: null, text: null, url: null, reason: `test ${type}`, ...fields };
}
