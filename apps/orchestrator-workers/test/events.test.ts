import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { llmSubtask, sampleSynthesis } from "@ow/schemas/testing";
import { EMPTY_USAGE, type ProgressEvent } from "@ow/schemas";
import { describe, expect, it } from "vitest";
import { readConfig } from "../src/config";
import { modelIds } from "../src/models";
import { RUN_ENDED } from "../src/progress/run-events";
import { insertRuns } from "../src/registry/run-admission";
import {
	markRunStatus,
	attemptStartedStatements,
	recordPlan,
	recordRunFinished,
	recordSubtaskOutcome,
} from "../src/registry/run-registry";
import { readEvents, storeOf } from "./read-events";
import { newRunId } from "../src/runs/run-id";
import { acceptRequest } from "../src/runs/start-runs";
import { runObject } from "../src/registry/run-store";

/** What a subtask step writes when an attempt begins. */
const attemptStarted = (runId: string, id: string, attempt: number, at: string) =>
	storeOf(runId).batch(attemptStartedStatements(storeOf(runId), runId, id, attempt, at));

const ORIGIN = "http://orchestrator.test";
const now = () => new Date().toISOString();

/** A running run with five events: queued, running, plan.ready (a, b), a started, a succeeded. */
async function seedRun(): Promise<string> {
	const id = newRunId();
	await insertRuns(env.DB, [
		{
			id,
			prompt: "Compare A and B.",
			options: acceptRequest(readConfig(env), { prompt: "Compare A and B." }).options,
			promptVersion: "test",
			models: modelIds(env),
			createdAt: now(),
		},
	]);
	await markRunStatus(storeOf(id), id, "running", now());
	await recordPlan(
		storeOf(id),
		id,
		{ subtasks: [llmSubtask("a"), llmSubtask("b")] },
		{ clampedFrom: null, repaired: false },
		now(),
	);
	await attemptStarted(id, "a", 1, now());
	await succeed(id, "a");
	return id;
}

async function succeed(id: string, subtask: string) {
	const at = now();
	await recordSubtaskOutcome(storeOf(id), id, subtask, {
		status: "succeeded",
		output: `${subtask} done`,
		truncated: false,
		usage: EMPTY_USAGE,
		attempts: 1,
		startedAt: at,
		finishedAt: at,
		source: null,
	});
}

async function complete(id: string) {
	const timings = { planMs: 1, executeMs: 1, synthesiseMs: 1 };
	await recordRunFinished(storeOf(id), id, { status: "complete", result: sampleSynthesis, timings }, now());
}

/** A finished run: the seeded events, b's start and success, then run.completed (eight events). */
async function seedCompletedRun(): Promise<string> {
	const id = await seedRun();
	await attemptStarted(id, "b", 1, now());
	await succeed(id, "b");
	await complete(id);
	return id;
}

const get = (path: string, headers: Record<string, string> = {}) =>
	exports.default.fetch(`${ORIGIN}${path}`, { headers });

interface SseFrame {
	id?: string;
	event?: string;
	data?: string;
	retry?: string;
}

/** Splits a complete SSE body into its frames (comments dropped). */
function parseSse(text: string): SseFrame[] {
	return text
		.split("\n\n")
		.filter((block) => block.trim() !== "")
		.map((block) => {
			const frame: Record<string, string> = {};
			for (const line of block.split("\n")) {
				if (line.startsWith(":")) continue;
				const colon = line.indexOf(":");
				const field = line.slice(0, colon);
				frame[field] = (frame[field] ? `${frame[field]}\n` : "") + line.slice(colon + 1).replace(/^ /, "");
			}
			return frame as SseFrame;
		})
		.filter((frame) => Object.keys(frame).length > 0);
}

const eventsOf = (frames: SseFrame[]) =>
	frames.filter((f) => f.data !== undefined).map((f) => JSON.parse(f.data!) as ProgressEvent);

/** Reads an SSE body until `until` holds for the events so far; leaves the stream open. */
async function readUntil(res: Response, until: (events: ProgressEvent[]) => boolean) {
	const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
	let text = "";
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		text += value;
		if (until(eventsOf(parseSse(text)))) break;
	}
	return {
		events: () => eventsOf(parseSse(text)),
		/** Reads on to the end of the stream; resolves with every event read. */
		rest: async () => {
			for (;;) {
				const { done, value } = await reader.read();
				if (done) return eventsOf(parseSse(text));
				text += value;
			}
		},
	};
}

/** Opens a WebSocket on the run's events and records what arrives. */
async function connect(path: string, headers: Record<string, string> = {}) {
	const res = await get(path, { Upgrade: "websocket", ...headers });
	expect(res.status).toBe(101);
	const ws = res.webSocket!;
	const messages: ProgressEvent[] = [];
	const closed = new Promise<CloseEvent>((resolve) => ws.addEventListener("close", resolve));
	ws.addEventListener("message", (m) => {
		messages.push(JSON.parse(m.data as string));
	});
	ws.accept();
	return {
		ws,
		messages,
		closed,
		/** Waits until `n` messages have arrived. */
		async received(n: number, timeoutMs = 5000) {
			const deadline = Date.now() + timeoutMs;
			while (messages.length < n) {
				if (Date.now() > deadline) throw new Error(`got ${messages.length} of ${n} messages`);
				await scheduler.wait(10);
			}
			return messages;
		},
	};
}

/** The seq of the run's `n`th event (from 0). */
const seqAt = async (id: string, n: number) => (await readEvents(storeOf(id), id))[n]!.seq;
const stubOf = (id: string) => runObject(env, id);
const seqs = (events: ProgressEvent[]) => events.map((e) => e.seq);
/** In order and never twice. */
const strictlyIncreasing = (events: ProgressEvent[]) => events.every((e, i) => i === 0 || e.seq > events[i - 1]!.seq);

describe("GET /:id/events (Server-Sent Events)", () => {
	it("should stream every event in order, with ids, and end after run.completed", async () => {
		const id = await seedCompletedRun();

		const res = await get(`/${id}/events`);

		expect(res.status).toBe(200);
		expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
		const frames = parseSse(await res.text());
		expect(frames[0]).toEqual({ retry: "2000" });
		const events = eventsOf(frames);
		expect(events.map((e) => e.type)).toEqual([
			"run.status",
			"run.status",
			"plan.ready",
			"subtask.started",
			"subtask.succeeded",
			"subtask.started",
			"subtask.succeeded",
			"run.completed",
		]);
		const withIds = frames.filter((f) => f.data !== undefined);
		expect(withIds.map((f) => f.id)).toEqual(events.map((e) => String(e.seq)));
		expect(withIds.map((f) => f.event)).toEqual(events.map((e) => e.type));
		expect(strictlyIncreasing(events)).toBe(true);
		expect(events.every((e) => e.runId === id)).toBe(true);
		expect(events.at(-1)?.data.result).toEqual(sampleSynthesis);
	});

	it("should add progress (done of total) to subtask events", async () => {
		const id = await seedCompletedRun();

		const events = eventsOf(parseSse(await (await get(`/${id}/events`)).text()));

		const progress = events.filter((e) => e.type.startsWith("subtask.")).map((e) => e.data.progress);
		expect(progress).toEqual([
			{ done: 0, total: 2 },
			{ done: 1, total: 2 },
			{ done: 1, total: 2 },
			{ done: 2, total: 2 },
		]);
		expect(events.find((e) => e.type === "plan.ready")?.data).not.toHaveProperty("progress");
	});

	it("should resume after Last-Event-ID", async () => {
		const id = await seedCompletedRun();
		const all = eventsOf(parseSse(await (await get(`/${id}/events`)).text()));
		const resumeAt = all[3]!.seq;

		const events = eventsOf(parseSse(await (await get(`/${id}/events`, { "Last-Event-ID": String(resumeAt) })).text()));

		expect(events).toEqual(all.slice(4));
	});

	it("should resume after ?after= when there is no Last-Event-ID", async () => {
		const id = await seedCompletedRun();
		const all = eventsOf(parseSse(await (await get(`/${id}/events`)).text()));

		const events = eventsOf(parseSse(await (await get(`/${id}/events?after=${all[5]!.seq}`)).text()));

		expect(events).toEqual(all.slice(6));
	});

	it("should prefer Last-Event-ID over ?after=", async () => {
		const id = await seedCompletedRun();
		const all = eventsOf(parseSse(await (await get(`/${id}/events`)).text()));

		const res = await get(`/${id}/events?after=0`, { "Last-Event-ID": String(all[6]!.seq) });

		expect(eventsOf(parseSse(await res.text()))).toEqual(all.slice(7));
	});

	it("should answer 204 when the run is over and the client has every event", async () => {
		const id = await seedCompletedRun();
		const all = eventsOf(parseSse(await (await get(`/${id}/events`)).text()));

		const res = await get(`/${id}/events`, { "Last-Event-ID": String(all.at(-1)!.seq) });

		expect(res.status).toBe(204);
	});

	it("should send events written while the client listens, then end after the terminal one", async () => {
		const id = await seedRun();
		const res = await get(`/${id}/events`);
		const stream = await readUntil(res, (events) => events.length === 5);
		expect(stream.events().at(-1)?.type).toBe("subtask.succeeded");

		await attemptStarted(id, "b", 1, now());
		await succeed(id, "b");
		await complete(id);

		const events = await stream.rest();
		expect(events.map((e) => e.type).slice(5)).toEqual(["subtask.started", "subtask.succeeded", "run.completed"]);
		expect(strictlyIncreasing(events)).toBe(true);
	});

	it("should end the stream of a run that ends without a terminal event", async () => {
		const id = await seedRun();
		const res = await get(`/${id}/events`);
		const stream = await readUntil(res, (events) => events.length === 5);

		// As a cancel outside any step would leave it: terminal status, no terminal event.
		await storeOf(id).prepare("UPDATE runs SET status = 'terminated' WHERE id = ?").bind(id).run();

		expect(await stream.rest()).toHaveLength(5);
	});

	it("should answer 404 JSON for an unknown run and for a malformed id", async () => {
		for (const path of [`/${newRunId()}/events`, "/not-a-run/events"]) {
			const res = await get(path);
			expect(res.status).toBe(404);
			expect(await res.json()).toMatchObject({ error: { code: "not-found" } });
		}
	});

	it("should answer 400 JSON for a Last-Event-ID or ?after= that is not an event id", async () => {
		const id = await seedRun();

		const byHeader = await get(`/${id}/events`, { "Last-Event-ID": "abc" });
		const byQuery = await get(`/${id}/events?after=-1`);

		expect(byHeader.status).toBe(400);
		expect(await byHeader.json()).toMatchObject({ error: { code: "invalid-request" } });
		expect(byQuery.status).toBe(400);
		expect(await byQuery.json()).toMatchObject({ error: { code: "invalid-request" } });
	});

	it("should answer 405 for methods other than GET", async () => {
		const id = await seedRun();

		const res = await exports.default.fetch(`${ORIGIN}/${id}/events`, { method: "POST" });

		expect(res.status).toBe(405);
		expect(res.headers.get("Allow")).toBe("GET");
	});
});

describe("GET /:id/events (WebSocket)", () => {
	it("should send the missed events, then each event as its write lands, in order", async () => {
		const id = await seedRun();
		const socket = await connect(`/${id}/events?after=${await seqAt(id, 0)}`);
		const missed = await socket.received(4);
		expect(missed.map((e) => e.type)).toEqual(["run.status", "plan.ready", "subtask.started", "subtask.succeeded"]);

		// Nobody tells the object: the write through the run's store is the push.
		await attemptStarted(id, "b", 1, now());

		const all = await socket.received(5);
		expect(all[4]).toMatchObject({ type: "subtask.started", data: { id: "b", progress: { done: 1, total: 2 } } });
		expect(strictlyIncreasing(all)).toBe(true);
		socket.ws.close();
	});

	it("should close the socket with 1000 after sending run.completed", async () => {
		const id = await seedRun();
		const socket = await connect(`/${id}/events`);
		await socket.received(5);

		await complete(id);

		const closed = await socket.closed;
		expect(closed.code).toBe(RUN_ENDED.code);
		expect(socket.messages.at(-1)).toMatchObject({ type: "run.completed", data: { result: sampleSynthesis } });
		expect(await runDurableObjectAlarm(stubOf(id))).toBe(false);
	});

	it("should resume after Last-Event-ID and close at once for a finished run", async () => {
		const id = await seedCompletedRun();
		const all = eventsOf(parseSse(await (await get(`/${id}/events`)).text()));

		const socket = await connect(`/${id}/events`, { "Last-Event-ID": String(all[5]!.seq) });

		expect((await socket.closed).code).toBe(RUN_ENDED.code);
		expect(socket.messages).toEqual(all.slice(6));
	});

	it("should send each event once to each socket when writes overlap", async () => {
		const id = await seedRun();
		const first = await connect(`/${id}/events`);
		const second = await connect(`/${id}/events?after=${await seqAt(id, 2)}`);
		await first.received(5);
		await second.received(2);

		await Promise.all([attemptStarted(id, "b", 1, now()), attemptStarted(id, "b", 1, now())]);
		await Promise.all([succeed(id, "b"), succeed(id, "b")]);
		await Promise.all([complete(id), complete(id)]);
		await Promise.all([first.closed, second.closed]);

		expect(first.messages.map((e) => e.type).slice(5)).toEqual([
			"subtask.started",
			"subtask.succeeded",
			"run.completed",
		]);
		for (const socket of [first, second]) {
			expect(strictlyIncreasing(socket.messages)).toBe(true);
		}
		expect(seqs(second.messages)).toEqual(seqs(first.messages).slice(3));
	});

	it("should keep each socket's position when the object hibernates", async () => {
		const id = await seedRun();
		const socket = await connect(`/${id}/events`);
		await socket.received(5);

		await evictDurableObject(stubOf(id));
		await attemptStarted(id, "b", 1, now());

		const all = await socket.received(6);
		await scheduler.wait(50);
		expect(all).toHaveLength(6);
		expect(all[5]).toMatchObject({ type: "subtask.started", data: { id: "b" } });
		socket.ws.close();
	});

	it("should deliver from its alarm an event its write did not push", async () => {
		const id = await seedRun();
		const socket = await connect(`/${id}/events`);
		await socket.received(5);

		// Written into the object's storage directly, as if the push after the write had failed.
		await runInDurableObject(stubOf(id), (_o, state) => {
			state.storage.sql.exec(
				`INSERT INTO events (run_id, key, type, data, at) VALUES (?, '0:subtask.started:b:1', 'subtask.started', ?, ?)`,
				id,
				JSON.stringify({ id: "b", attempt: 1 }),
				now(),
			);
		});
		await scheduler.wait(50);
		expect(socket.messages).toHaveLength(5);
		expect(await runDurableObjectAlarm(stubOf(id))).toBe(true);

		expect((await socket.received(6))[5]).toMatchObject({ type: "subtask.started", data: { id: "b" } });
		socket.ws.close();
	});

	it("should close the sockets from its alarm once the run ended without a terminal event", async () => {
		const id = await seedRun();
		const socket = await connect(`/${id}/events`);
		await socket.received(5);

		await storeOf(id).prepare("UPDATE runs SET status = 'terminated' WHERE id = ?").bind(id).run();
		expect(await runDurableObjectAlarm(stubOf(id))).toBe(true);

		expect((await socket.closed).code).toBe(RUN_ENDED.code);
		expect(await runDurableObjectAlarm(stubOf(id))).toBe(false);
	});
});
