/**
 * The Workflow's side of the streamed synthesis: batches the model's text deltas and hands them to the
 * run's RunEvents object, which fans them out to live clients. Nothing here touches D1: a delta is a
 * push, not a logged event. The step's durable result stays the whole answer.
 */
import { messageOf } from "../errors";
import { logEvent } from "../log";
import { runObject } from "../registry/run-store";

/** When a batch goes out: after this long, or once it holds this many characters. */
export interface RelayTiming {
	flushMs: number;
	flushChars: number;
}

export const RELAY_TIMING: RelayTiming = { flushMs: 80, flushChars: 400 };

/** One synthesis attempt's text on its way to live clients. Best effort: nothing here ever throws. */
export interface SynthesisRelay {
	/** Queues a piece of text; it goes out with its batch. */
	text(piece: string): void;
	/**
	 * Sends the attempt's final answer once the batches sent before it arrived; what is still queued goes
	 * with it, as its end (clients whose text differs reset).
	 */
	finish(answer: string): Promise<void>;
}

/** A relay that sends nothing: for a synthesis nobody watches live (benchmarks), or a failed start. */
export const SILENT_RELAY: SynthesisRelay = { text: () => undefined, finish: async () => undefined };

/** What the relay needs of the RunEvents object (its RPC methods). */
export interface SynthesisTarget {
	synthesisStarted(): Promise<number>;
	synthesisText(generation: number, offset: number, piece: string): Promise<void>;
	synthesisFinished(generation: number, answer: string): Promise<void>;
}

/** Starts a new synthesis attempt on the run's RunEvents object. */
export function openSynthesisRelay(
	env: Env,
	runId: string,
	timing: RelayTiming = RELAY_TIMING,
): Promise<SynthesisRelay> {
	return relayTo(runObject(env, runId), runId, timing);
}

/**
 * A relay to `target`; with a target that fails to start, a relay that drops everything. The attempt
 * is announced to the object while the model call starts, not before it: waiting for that round trip
 * would put it on every synthesis's critical path. Batches follow the announcement in order.
 */
export async function relayTo(target: SynthesisTarget, runId: string, timing: RelayTiming): Promise<SynthesisRelay> {
	const warn = (error: unknown) => logEvent({ msg: "synthesis relay failed", runId, error: messageOf(error) }, "warn");
	const started: Promise<number | null> = target.synthesisStarted().catch((error: unknown) => {
		warn(error);
		return null;
	});
	let pending = "";
	let sent = 0;
	let timer: ReturnType<typeof setTimeout> | undefined;
	// One batch at a time, in order: the object refuses a piece that does not continue its text.
	let chain: Promise<void> = Promise.resolve();
	const stopTimer = (): void => {
		if (timer !== undefined) clearTimeout(timer);
		timer = undefined;
	};
	const flush = (): void => {
		stopTimer();
		if (pending.length === 0) return;
		const piece = pending;
		const offset = sent;
		pending = "";
		sent += piece.length;
		chain = chain
			.then(async () => {
				const generation = await started;
				if (generation !== null) await target.synthesisText(generation, offset, piece);
			})
			.catch(warn);
	};
	return {
		text(piece) {
			pending += piece;
			if (pending.length >= timing.flushChars) flush();
			else timer ??= setTimeout(flush, timing.flushMs);
		},
		async finish(answer) {
			// The answer carries the queued text: one call to the object on the run's way to its end, not two.
			stopTimer();
			pending = "";
			await chain;
			const generation = await started;
			if (generation !== null) await target.synthesisFinished(generation, answer).catch(warn);
		},
	};
}
