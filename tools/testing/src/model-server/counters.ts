/**
 * Call statistics of the model server. The object is mutated in place (never replaced) so that a test
 * holding `server.counters` always reads current values, even across `reset()`.
 */
import type { ModelServerCounters, ResponderContext } from "./types.ts";

/** A zeroed counters object. */
export function createCounters(): ModelServerCounters {
	return {
		calls: 0,
		byLabel: {},
		inFlight: 0,
		inFlightByLabel: {},
		maxInFlight: 0,
		maxInFlightByLabel: {},
		failuresInjected: 0,
	};
}

/** Zeroes `counters` in place. */
export function resetCounters(counters: ModelServerCounters): void {
	Object.assign(counters, createCounters());
}

/**
 * Counts a call that has started and returns its context plus a `finish` callback that takes it out of
 * flight again; `finish` is idempotent because both the response and the socket may report the end.
 */
export function startCall(counters: ModelServerCounters, label: string): { ctx: ResponderContext; finish: () => void } {
	const labelCallIndex = counters.byLabel[label] ?? 0;
	const ctx: ResponderContext = { label, callIndex: counters.calls, labelCallIndex };
	counters.calls += 1;
	counters.byLabel[label] = labelCallIndex + 1;
	counters.inFlight += 1;
	const labelInFlight = (counters.inFlightByLabel[label] ?? 0) + 1;
	counters.inFlightByLabel[label] = labelInFlight;
	counters.maxInFlight = Math.max(counters.maxInFlight, counters.inFlight);
	counters.maxInFlightByLabel[label] = Math.max(counters.maxInFlightByLabel[label] ?? 0, labelInFlight);
	// A reset while calls are in flight zeroes inFlight; the generation check keeps finish() from going negative.
	const byLabel = counters.inFlightByLabel;
	let done = false;
	const finish = (): void => {
		if (done) return;
		done = true;
		if (counters.inFlightByLabel !== byLabel) return;
		counters.inFlight = Math.max(0, counters.inFlight - 1);
		counters.inFlightByLabel[label] = Math.max(0, (counters.inFlightByLabel[label] ?? 0) - 1);
	};
	return { ctx, finish };
}
