/**
 * Clients of a run's live progress (`GET /:id/events`) for end-to-end tests and benchmarks: a
 * Server-Sent Events reader over fetch, and a WebSocket reader over the platform's WebSocket.
 */
import { parseSse, type ProgressEvent, type SseFrame } from "@ow/client";
import { apiFetch, checkEventData } from "./openapi-contract.ts";

export { parseSse, type SseFrame } from "@ow/client";

export interface ProgressStreamOptions {
	/** Sent as the Last-Event-ID header (SSE) or as `?after=` (WebSocket: browsers cannot set headers). */
	lastEventId?: number;
	/** Called as each event arrives, with the time it arrived. */
	onEvent?: (event: ProgressEvent, receivedAt: number) => void;
	/** Gives up (and throws) after this long; the stream normally ends by itself with the run. */
	timeoutMs?: number;
	/**
	 * WebSocket only: the client closes and resolves as soon as the run's last event arrives, instead of
	 * waiting for the close to complete (workerd holds the connection until the object goes idle, ~10 s).
	 */
	closeAtEnd?: boolean;
}

export interface SseProgress {
	status: number;
	frames: SseFrame[];
	/** The data of each frame, parsed. */
	events: ProgressEvent[];
}

/** Reads a run's events over SSE until the server ends the stream. */
export async function readProgressSse(
	baseURL: string,
	runId: string,
	{ lastEventId, onEvent, timeoutMs = 90_000 }: ProgressStreamOptions = {},
): Promise<SseProgress> {
	const headers: Record<string, string> = { accept: "text/event-stream" };
	if (lastEventId !== undefined) headers["last-event-id"] = String(lastEventId);
	const res = await apiFetch(`${baseURL}/${runId}/events`, { headers, signal: AbortSignal.timeout(timeoutMs) });
	const result: SseProgress = { status: res.status, frames: [], events: [] };
	if (res.status !== 200 || !res.body) return result;
	for await (const frame of parseSse(res.body)) {
		const data: unknown = JSON.parse(frame.data);
		checkEventData(data);
		const event = data as ProgressEvent;
		result.frames.push(frame);
		result.events.push(event);
		onEvent?.(event, Date.now());
	}
	return result;
}

export interface WebSocketProgress {
	events: ProgressEvent[];
	/** How the server closed the socket. */
	code: number;
	reason: string;
}

/** Reads a run's events over a WebSocket until the server closes it. */
export function readProgressWebSocket(
	baseURL: string,
	runId: string,
	{ lastEventId, onEvent, timeoutMs = 90_000, closeAtEnd = false }: ProgressStreamOptions = {},
): Promise<WebSocketProgress> {
	const url = new URL(`${baseURL.replace(/^http/, "ws")}/${runId}/events`);
	if (lastEventId !== undefined) url.searchParams.set("after", String(lastEventId));
	return new Promise((resolve, reject) => {
		const events: ProgressEvent[] = [];
		const ws = new WebSocket(url.href);
		const timer = setTimeout(() => {
			ws.close();
			reject(new Error(`no close from ${url} in ${timeoutMs} ms; got ${events.length} events`));
		}, timeoutMs);
		ws.addEventListener("message", (message) => {
			const event = JSON.parse(String(message.data)) as ProgressEvent;
			events.push(event);
			onEvent?.(event, Date.now());
			if (closeAtEnd && (event.type === "run.completed" || event.type === "run.errored")) {
				clearTimeout(timer);
				ws.close(1000, "run ended");
				resolve({ events, code: 1000, reason: "closed by the client at the run's end" });
			}
		});
		ws.addEventListener("error", () => {
			clearTimeout(timer);
			reject(new Error(`WebSocket ${url} failed after ${events.length} events`));
		});
		ws.addEventListener("close", (close) => {
			clearTimeout(timer);
			resolve({ events, code: close.code, reason: close.reason });
		});
	});
}
