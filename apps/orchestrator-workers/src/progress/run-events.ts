/**
 * One Durable Object per run (named by the run id): serves the run's progress over hibernatable
 * WebSockets, and keeps the run's live state (registry/run-store-object.ts). Each socket first gets the
 * events it missed, from the run's event log, then live ones,
 * each as one JSON text message (a ProgressEvent), in seq order, never twice.
 */
import { DurableObject } from "cloudflare:workers";
import { messageOf } from "../errors";
import { isTerminalEvent, PROGRESS_BATCH, readProgressEvents } from "./progress-log";
import { isRunOver } from "./run-lifecycle";
import { logEvent } from "../log";
import { NO_SYNTHESIS, SynthesisText, type SynthesisCursor, type SynthesisEvent } from "./synthesis-text";
import { RunSqlStore } from "../registry/run-store-object";
import type { SqlResult, SqlStatement } from "../registry/sql-database";

/** How often the alarm re-reads the log while sockets are open and the run goes on. */
export const RUN_EVENTS_ALARM_MS = 2000;

/** Close code and reason sent once the run has ended and every event has been sent. */
export const RUN_ENDED = { code: 1000, reason: "run ended" } as const;

const RUN_ID_KEY = "runId";
/** The synthesis generation survives hibernation, so a later attempt still makes clients reset. */
const SYNTHESIS_GENERATION_KEY = "synthesisGeneration";
const CONNECT_URL = "https://run-events.internal/connect";

/** What each socket keeps across hibernation. */
interface SocketState {
	/** The last seq sent to this socket (or its resume point). */
	lastSeq: number;
	/** Connected with a resume point: the client may hold synthesis text from before. */
	resumed?: boolean;
}

/**
 * The request that opens a socket on the run's object: the client's upgrade request, re-addressed so
 * the object learns the run id and the resume point.
 */
export function connectRequest(request: Request, runId: string, afterSeq: number): Request {
	const url = new URL(CONNECT_URL);
	url.searchParams.set("runId", runId);
	url.searchParams.set("after", String(afterSeq));
	return new Request(url, { method: "GET", headers: request.headers });
}

/**
 * The run's progress channel. `fetch` accepts WebSocket upgrades made by {@link connectRequest};
 * `sql()` writes the run's state and pushes what the log gained to every socket (passes: one at a
 * time, joined by the writes that arrive meanwhile); an alarm every {@link RUN_EVENTS_ALARM_MS} does
 * the same as a safety net, and closes the sockets once the run is over.
 *
 * @see https://developers.cloudflare.com/durable-objects/best-practices/websockets/
 */
export class RunEvents extends DurableObject<Env> {
	/** The pass that runs after the current one, not started yet; new requests join it. */
	#next: { sweep: boolean; done: Promise<void> } | undefined;
	/** The end of the chain of passes: one at a time, so no socket gets an event twice or out of order. */
	#tail: Promise<void> = Promise.resolve();
	/** The synthesis being written (live only: see synthesis-text.ts). */
	readonly #synthesis = new SynthesisText();
	/**
	 * How much of it each socket has had. In memory, not in the attachment: the passes write attachments
	 * from copies read earlier, which would undo a cursor moved meanwhile.
	 */
	readonly #cursors = new WeakMap<WebSocket, SynthesisCursor>();
	/** The run's live state (registry/run-store-object.ts). */
	readonly #store: RunSqlStore;

	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		this.#store = new RunSqlStore(ctx, env);
		void ctx.blockConcurrencyWhile(async () => {
			this.#synthesis.generation = (await ctx.storage.get<number>(SYNTHESIS_GENERATION_KEY)) ?? 0;
		});
		// Answered by the runtime without waking the object, so clients can keep idle connections alive.
		ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
	}

	override async fetch(request: Request): Promise<Response> {
		if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
			return new Response("Expected a WebSocket upgrade.", { status: 426, headers: { Upgrade: "websocket" } });
		}
		const url = new URL(request.url);
		const runId = url.searchParams.get("runId");
		const after = Number(url.searchParams.get("after") ?? "0");
		if (!runId || !Number.isSafeInteger(after) || after < 0) {
			return new Response("Expected runId and after (see connectRequest).", { status: 400 });
		}
		await this.ctx.storage.put(RUN_ID_KEY, runId);
		const { 0: client, 1: server } = new WebSocketPair();
		if (await isRunOver(this.env, runId, this.#store.database(runId))) {
			// Nothing live to wait for: send what the client missed and close, without hibernation. A
			// hibernatable socket's connection is only released once the object goes idle (about 10 s in
			// workerd), which would hold back the client's close event for nothing.
			server.accept();
			for (const ws of await this.#send(runId, new Map([[server, { lastSeq: after }]]), false)) {
				ws.close(RUN_ENDED.code, RUN_ENDED.reason);
			}
			return new Response(null, { status: 101, webSocket: client });
		}
		this.ctx.acceptWebSocket(server);
		server.serializeAttachment({ lastSeq: after, resumed: after > 0 } satisfies SocketState);
		// Set before the first pass, so a failed pass still leaves the safety net in place.
		await this.ctx.storage.setAlarm(Date.now() + RUN_EVENTS_ALARM_MS);
		this.ctx.waitUntil(
			this.#schedule(true)
				.then(() => this.#pushSynthesis())
				.catch((error) => log("connect pass failed", runId, error)),
		);
		return new Response(null, { status: 101, webSocket: client });
	}

	/**
	 * Runs a batch of the registry's statements on the run's own tables (registry/run-store.ts). What a
	 * write adds to the log goes to the open sockets before this resolves: every write of the run comes
	 * through here, so no writer has to tell the object, or know whether anyone listens.
	 */
	async sql(runId: string, batch: SqlStatement[]): Promise<SqlResult[]> {
		const results = await this.#store.execute(runId, batch);
		if (results.some((r) => r.changes > 0) && this.#openSockets().length > 0) await this.#schedule(false);
		return results;
	}

	/** Opens the run's store ahead of its first step (registry/run-store.ts `openRunStores`). */
	async open(runId: string): Promise<boolean> {
		return this.#store.open(runId);
	}

	/** Forgets the run: its store and everything else the object keeps (retention, purge). */
	async purge(): Promise<void> {
		for (const ws of this.ctx.getWebSockets()) ws.close(RUN_ENDED.code, RUN_ENDED.reason);
		await this.ctx.storage.deleteAlarm();
		await this.#store.purge();
	}

	/**
	 * A synthesis attempt starts: clients following an earlier one will reset. Returns the attempt's
	 * generation, which its pieces carry.
	 */
	async synthesisStarted(): Promise<number> {
		const generation = this.#synthesis.start();
		await this.ctx.storage.put(SYNTHESIS_GENERATION_KEY, generation);
		await this.#pushSynthesis();
		return generation;
	}

	/** The next piece of the synthesis's text (a batch of deltas), pushed to every socket at once. */
	async synthesisText(generation: number, offset: number, piece: string): Promise<void> {
		if (this.#synthesis.append(generation, offset, piece)) await this.#pushSynthesis();
	}

	/**
	 * The attempt's whole answer: clients get the rest of it, or, when their text is not its beginning,
	 * reset and get it whole.
	 */
	async synthesisFinished(generation: number, answer: string): Promise<void> {
		const before = { generation: this.#synthesis.generation, text: this.#synthesis.text };
		this.#synthesis.finish(generation, answer);
		if (this.#synthesis.generation !== before.generation) {
			await this.ctx.storage.put(SYNTHESIS_GENERATION_KEY, this.#synthesis.generation);
		}
		if (this.#synthesis.generation !== before.generation || this.#synthesis.text !== before.text) {
			await this.#pushSynthesis();
		}
	}

	/** For a Server-Sent Events stream: what a client at `cursor` has not had of the synthesis. */
	synthesisSince(cursor: SynthesisCursor, resumed: boolean): { events: SynthesisEvent[]; cursor: SynthesisCursor } {
		return this.#synthesis.since(cursor, resumed);
	}

	override async alarm(): Promise<void> {
		await this.#schedule(true);
	}

	override webSocketMessage(_ws: WebSocket, _message: string | ArrayBuffer): void {
		// The channel is one-way: "ping" is answered by the auto-response, anything else is ignored.
	}

	override webSocketClose(ws: WebSocket, code: number, reason: string): void {
		// At our compatibility date the runtime has answered the close frame already
		// (web_socket_auto_reply_to_close); an older date leaves the reply to us.
		if (ws.readyState !== WebSocket.CLOSED) ws.close(code === 1005 || code === 1006 ? 1000 : code, reason);
	}

	override async webSocketError(_ws: WebSocket, error: unknown): Promise<void> {
		log("socket error", await this.ctx.storage.get<string>(RUN_ID_KEY), error);
	}

	#openSockets(): WebSocket[] {
		return this.ctx.getWebSockets().filter((ws) => ws.readyState === WebSocket.OPEN);
	}

	/** Queues a pass after the running one; `sweep` also checks whether the run is over (alarm, connect). */
	#schedule(sweep: boolean): Promise<void> {
		if (this.#next) {
			this.#next.sweep ||= sweep;
			return this.#next.done;
		}
		const next: { sweep: boolean; done: Promise<void> } = { sweep, done: Promise.resolve() };
		next.done = this.#tail.then(() => {
			this.#next = undefined;
			return this.#pass(next.sweep);
		});
		this.#next = next;
		// Whoever awaits `done` sees the error; the chain itself must go on.
		this.#tail = next.done.catch(() => undefined);
		return next.done;
	}

	async #pass(sweep: boolean): Promise<void> {
		const runId = await this.ctx.storage.get<string>(RUN_ID_KEY);
		const sockets = this.#openSockets();
		if (!runId || sockets.length === 0) {
			if (sweep) await this.ctx.storage.deleteAlarm();
			return;
		}
		// The status first: once the run is over, the log read after it holds every event it wrote.
		const over = sweep && (await isRunOver(this.env, runId, this.#store.database(runId)));
		const open = await this.#send(runId, new Map(sockets.map((ws) => [ws, stateOf(ws)])));
		if (over) for (const ws of open) ws.close(RUN_ENDED.code, RUN_ENDED.reason);
		if (over || open.length === 0) await this.ctx.storage.deleteAlarm();
		else if (sweep) await this.ctx.storage.setAlarm(Date.now() + RUN_EVENTS_ALARM_MS);
	}

	/**
	 * Sends each socket the events after its `lastSeq`, keeping the attachment up to date; returns the
	 * sockets still open (no terminal event sent).
	 */
	async #send(runId: string, states: Map<WebSocket, SocketState>, live = true): Promise<WebSocket[]> {
		let from = Math.min(...[...states.values()].map((s) => s.lastSeq));
		while (states.size > 0) {
			const batch = await readProgressEvents(this.#store.database(runId), runId, from, PROGRESS_BATCH);
			for (const event of batch) {
				const message = JSON.stringify(event);
				for (const [ws, state] of states) {
					if (event.seq <= state.lastSeq) continue;
					try {
						// The text before the end, for a client that connected while it was being written.
						if (live && isTerminalEvent(event)) this.#sendSynthesis(ws, runId, state);
						ws.send(message);
					} catch (_error) {
						// The client left during this pass; its close handler cleans up.
						states.delete(ws);
						continue;
					}
					state.lastSeq = event.seq;
					ws.serializeAttachment(state);
					if (isTerminalEvent(event)) {
						ws.close(RUN_ENDED.code, RUN_ENDED.reason);
						states.delete(ws);
					}
				}
			}
			if (batch.length < PROGRESS_BATCH) break;
			from = batch.at(-1)!.seq;
		}
		return [...states.keys()];
	}

	/** Sends each open socket what it has not had of the synthesis. */
	async #pushSynthesis(): Promise<void> {
		const sockets = this.#openSockets();
		if (sockets.length === 0) return;
		const runId = await this.ctx.storage.get<string>(RUN_ID_KEY);
		if (!runId) return;
		for (const ws of sockets) this.#sendSynthesis(ws, runId, stateOf(ws));
	}

	/** Live-only events carry the seq of the last logged event the socket has had. */
	#sendSynthesis(ws: WebSocket, runId: string, state: SocketState): void {
		const { events, cursor } = this.#synthesis.since(this.#cursors.get(ws) ?? NO_SYNTHESIS, state.resumed === true);
		try {
			for (const event of events) {
				ws.send(JSON.stringify({ seq: state.lastSeq, runId, at: new Date().toISOString(), ...event }));
			}
			this.#cursors.set(ws, cursor);
		} catch (_error) {
			// The client left; its close handler cleans up.
		}
	}
}

function stateOf(ws: WebSocket): SocketState {
	return (ws.deserializeAttachment() as SocketState | null) ?? { lastSeq: 0 };
}

function log(msg: string, runId: string | undefined, error: unknown) {
	logEvent({ msg: `run events: ${msg}`, runId, error: messageOf(error) }, "error");
}
