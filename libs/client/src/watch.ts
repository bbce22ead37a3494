/**
 * Following a run's live progress (`GET /:id/events`, Server-Sent Events). The server ends a stream
 * after a terminal event, or after a while (then the client resumes); a dropped connection is resumed
 * with `Last-Event-ID`, so every event is yielded exactly once, in order.
 */
import { OwApiError } from "./errors.ts";
import { parseSse } from "./sse.ts";
import { TERMINAL_STATES, type ProgressEvent, type RunState } from "./types.ts";

export interface WatchOptions {
	/** Start after this event (its `seq`); from the beginning unless given. */
	lastEventId?: number;
	/** Stops watching (the generator returns). */
	signal?: AbortSignal;
	/** Connections in a row that may fail before `watch` throws; 5 unless given. */
	maxReconnects?: number;
	/** First wait before reconnecting after a failure, doubled each time; 250 ms unless given. */
	reconnectDelayMs?: number;
}

interface Connection {
	baseUrl: string;
	headers: Record<string, string>;
	fetch: typeof fetch;
}

/** Is this the last event a run writes? */
export function isTerminalEvent(event: ProgressEvent): boolean {
	if (event.type === "run.completed" || event.type === "run.errored") return true;
	return event.type === "run.status" && TERMINAL_STATES.includes(event.data.status as RunState);
}

export async function* watchRun(
	connection: Connection,
	id: string,
	{ lastEventId = 0, signal, maxReconnects = 5, reconnectDelayMs = 250 }: WatchOptions = {},
): AsyncGenerator<ProgressEvent> {
	let last = lastEventId;
	let failures = 0;
	while (!signal?.aborted) {
		let res: Response;
		try {
			res = await connection.fetch(`${connection.baseUrl}/${encodeURIComponent(id)}/events`, {
				headers: { ...connection.headers, accept: "text/event-stream", "last-event-id": String(last) },
				signal,
			});
		} catch (error) {
			if (signal?.aborted) return;
			if (++failures > maxReconnects) throw error;
			await sleep(reconnectDelayMs * 2 ** (failures - 1));
			continue;
		}
		// 204: the run is over and every event was delivered.
		if (res.status === 204) return;
		if (res.status !== 200 || !res.body) throw await apiErrorOf(res);
		try {
			for await (const frame of parseSse(res.body)) {
				const event = JSON.parse(frame.data) as ProgressEvent;
				if (event.seq <= last) continue;
				last = event.seq;
				failures = 0;
				yield event;
				if (isTerminalEvent(event)) return;
			}
		} catch (error) {
			if (signal?.aborted) return;
			if (++failures > maxReconnects) throw error;
			await sleep(reconnectDelayMs * 2 ** (failures - 1));
		}
		// The stream ended without a terminal event: resume where it stopped.
	}
}

async function apiErrorOf(res: Response): Promise<OwApiError> {
	const text = await res.text();
	try {
		const { error } = JSON.parse(text) as { error: { code: string; message: string; details?: unknown } };
		return new OwApiError(res.status, error.code, error.message, error.details);
	} catch {
		return new OwApiError(res.status, `http-${res.status}`, `HTTP ${res.status}: ${text || res.statusText}`);
	}
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
