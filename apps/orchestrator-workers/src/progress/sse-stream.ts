/**
 * A run's progress as Server-Sent Events: what the client missed from the event log, then new events
 * as the log grows, each with `id: <seq>` so a reconnecting EventSource resumes with Last-Event-ID.
 */
import type { SSEStreamingApi } from "hono/streaming";
import { isTerminalEvent, PROGRESS_BATCH, readProgressEvents } from "./progress-log";
import { isRunOver } from "./run-lifecycle";
import { NO_SYNTHESIS, type SynthesisCursor } from "./synthesis-text";
import { messageOf } from "../errors";
import { logEvent } from "../log";
import { runObject, runStore } from "../registry/run-store";

/** Timing of the SSE loop; tests shorten it. */
export interface SseTiming {
	/** First poll interval; doubles while the log is idle, up to `maxPollMs`. */
	pollMs: number;
	maxPollMs: number;
	/** How often the run's status is re-read (a cancelled run may end without a terminal event). */
	statusEveryMs: number;
	/** A comment line after this much silence keeps proxies from closing the connection. */
	keepAliveMs: number;
	/** The browser's reconnect delay, sent as `retry:`. */
	retryMs: number;
	/**
	 * The stream ends after this long, and the client reconnects with Last-Event-ID, so a run paused for
	 * days does not hold a polling loop open for days.
	 */
	maxStreamMs: number;
}

export const SSE_TIMING: SseTiming = {
	pollMs: 250,
	maxPollMs: 1000,
	statusEveryMs: 2000,
	keepAliveMs: 15_000,
	retryMs: 2000,
	maxStreamMs: 10 * 60_000,
};

/**
 * Writes the run's events after `afterSeq` to `stream` until a terminal event is written, the run is
 * over and its log drained, the client goes away, or `maxStreamMs` passes.
 */
export async function streamProgress(
	stream: SSEStreamingApi,
	env: Env,
	runId: string,
	afterSeq: number,
	timing: SseTiming = SSE_TIMING,
): Promise<void> {
	const started = Date.now();
	let last = afterSeq;
	let over = false;
	let statusReadAt = -Infinity;
	let wroteAt = Date.now();
	let pollMs = timing.pollMs;
	// The synthesis text comes from the run's RunEvents object, asked only once there is a plan (or the
	// client resumes and may have missed it): nothing is synthesised before. A client that connects after
	// the run ended gets the whole answer with run.completed instead.
	const synthesis = { cursor: NO_SYNTHESIS, asked: afterSeq > 0, ended: false };
	const writeSynthesis = async (): Promise<boolean> => {
		if (!synthesis.asked || synthesis.ended || stream.aborted) return false;
		const { events, cursor } = await synthesisSince(env, runId, synthesis.cursor, afterSeq > 0);
		synthesis.cursor = cursor;
		for (const event of events) {
			// No id: a live-only event is no resume point.
			const data = JSON.stringify({ seq: last, runId, at: new Date().toISOString(), ...event });
			await stream.writeSSE({ event: event.type, data });
		}
		return events.length > 0;
	};
	await stream.write(`retry: ${timing.retryMs}\n\n`);
	while (!stream.aborted && Date.now() - started < timing.maxStreamMs) {
		// Read the status before the log: once the run is over, the read below holds every event it wrote.
		if (!over && Date.now() - statusReadAt >= timing.statusEveryMs) {
			over = await isRunOver(env, runId);
			if (statusReadAt === -Infinity) synthesis.ended = over;
			statusReadAt = Date.now();
		}
		let batch;
		let wrote = false;
		do {
			batch = await readProgressEvents(runStore(env, runId), runId, last, PROGRESS_BATCH);
			for (const event of batch) {
				if (stream.aborted) return;
				// Every delta before the end: the object had them all before the run's end was logged.
				if (isTerminalEvent(event)) await writeSynthesis();
				await stream.writeSSE({ id: String(event.seq), event: event.type, data: JSON.stringify(event) });
				last = event.seq;
				wrote = true;
				if (event.type === "plan.ready") synthesis.asked = true;
				if (isTerminalEvent(event)) return;
			}
		} while (batch.length === PROGRESS_BATCH);
		if (await writeSynthesis()) wrote = true;
		if (over) return;
		if (wrote) {
			wroteAt = Date.now();
			pollMs = timing.pollMs;
		} else {
			pollMs = Math.min(pollMs * 2, timing.maxPollMs);
			if (Date.now() - wroteAt >= timing.keepAliveMs) {
				await stream.write(": keep-alive\n\n");
				wroteAt = Date.now();
			}
		}
		await stream.sleep(pollMs);
	}
}

/** The synthesis text a client at `cursor` lacks; nothing when the object cannot say (the log still ends the run). */
async function synthesisSince(env: Env, runId: string, cursor: SynthesisCursor, resumed: boolean) {
	try {
		return await runObject(env, runId).synthesisSince(cursor, resumed);
	} catch (error) {
		logEvent({ msg: "synthesis text read failed", runId, error: messageOf(error) }, "warn");
		return { events: [], cursor };
	}
}
