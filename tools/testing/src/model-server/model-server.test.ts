import { afterEach, describe, expect, it, vi } from "vitest";
import { startModelServer } from "./model-server.ts";
import { byLabel, jsonReply, labelBySystemPrompt, textReply } from "./responders.ts";
import type { ModelServer, ModelServerOptions, Reply } from "./types.ts";

const SCHEMA = { type: "object", properties: { answer: { type: "string" } }, required: ["answer"] };

let server: ModelServer | undefined;

async function start(options: ModelServerOptions = {}): Promise<ModelServer> {
	server = await startModelServer(options);
	return server;
}

afterEach(async () => {
	await server?.close();
	server = undefined;
});

function chatBody(extra: Record<string, unknown> = {}, system = "You are the planner.") {
	return {
		model: "big",
		messages: [
			{ role: "system", content: system },
			{ role: "user", content: [{ type: "text", text: "Plan a trip" }] },
		],
		response_format: { type: "json_schema", json_schema: { name: "plan", schema: SCHEMA, strict: true } },
		...extra,
	};
}

function post(s: ModelServer, body: unknown = chatBody(), signal?: AbortSignal): Promise<Response> {
	return fetch(`${s.baseURL}/chat/completions`, {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: JSON.stringify(body),
		...(signal ? { signal } : {}),
	});
}

interface Completion {
	choices: { message: { content: string }; finish_reason: string }[];
	usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
	model: string;
}

async function completion(res: Response): Promise<Completion> {
	expect(res.status).toBe(200);
	return (await res.json()) as Completion;
}

describe("startModelServer", () => {
	it("answers a json reply with the value as content, plus usage", async () => {
		const s = await start({ responder: () => jsonReply({ answer: "42" }) });
		const body = await completion(await post(s));
		expect(JSON.parse(body.choices[0]?.message.content ?? "")).toEqual({ answer: "42" });
		expect(body.choices[0]?.finish_reason).toBe("stop");
		expect(body.model).toBe("big");
		expect(body.usage?.completion_tokens).toBe(Math.ceil('{"answer":"42"}'.length / 4));
		expect(body.usage?.total_tokens).toBe((body.usage?.prompt_tokens ?? 0) + (body.usage?.completion_tokens ?? 0));
	});

	it("answers a text reply and passes the parsed request to the responder", async () => {
		const seen: unknown[] = [];
		const s = await start({
			responder: (request, ctx) => {
				seen.push({ system: request.system, user: request.user, name: request.schemaName, ctx });
				return textReply("hello");
			},
		});
		const body = await completion(await post(s));
		expect(body.choices[0]?.message.content).toBe("hello");
		expect(seen).toEqual([
			{
				system: "You are the planner.",
				user: "Plan a trip",
				name: "plan",
				ctx: { label: "default", callIndex: 0, labelCallIndex: 0 },
			},
		]);
	});

	it("records the raw request including its json schema", async () => {
		const s = await start();
		await completion(await post(s));
		expect(s.requests).toHaveLength(1);
		expect(s.requests[0]?.label).toBe("default");
		expect(s.requests[0]?.body.response_format).toEqual({
			type: "json_schema",
			json_schema: { name: "plan", schema: SCHEMA, strict: true },
		});
	});

	it("counts calls per label and the maximum concurrency", async () => {
		const waiting: (() => void)[] = [];
		// A barrier instead of timing: nobody is answered until all five calls are in flight at once.
		const barrier = (): Promise<Reply> =>
			new Promise((resolve) => {
				waiting.push(() => resolve(jsonReply({ answer: "ok" })));
				if (waiting.length === 5) for (const release of waiting) release();
			});
		const s = await start({
			latencyMs: 5,
			classify: labelBySystemPrompt({ plan: "planner", subtask: "subtask" }),
			responder: byLabel({ plan: jsonReply({ answer: "plan" }), subtask: barrier }),
		});
		await completion(await post(s));
		const calls = Array.from({ length: 5 }, () => post(s, chatBody({}, "Run one subtask.")));
		await Promise.all((await Promise.all(calls)).map(completion));
		expect(s.counters).toMatchObject({
			calls: 6,
			byLabel: { plan: 1, subtask: 5 },
			inFlight: 0,
			maxInFlight: 5,
			maxInFlightByLabel: { plan: 1, subtask: 5 },
			failuresInjected: 0,
		});
		s.reset();
		expect(s.counters).toMatchObject({ calls: 0, byLabel: {}, maxInFlight: 0 });
		expect(s.requests).toHaveLength(0);
	});

	it("injects a 429 with Retry-After once, then answers normally", async () => {
		const s = await start({ responder: () => jsonReply({ answer: "fine" }) });
		s.failNext("default", { kind: "error", status: 429, retryAfterSeconds: 7 });
		const limited = await post(s);
		expect(limited.status).toBe(429);
		expect(limited.headers.get("retry-after")).toBe("7");
		expect(await limited.json()).toEqual({
			error: { message: "scripted error 429", type: "rate_limit_error", code: "rate_limit_exceeded" },
		});
		const ok = await completion(await post(s));
		expect(ok.choices[0]?.message.content).toBe('{"answer":"fine"}');
		expect(s.counters.failuresInjected).toBe(1);
	});

	it("answers 500 in OpenAI error format", async () => {
		const s = await start({ responder: () => ({ kind: "error", status: 500, message: "boom" }) });
		const res = await post(s);
		expect(res.status).toBe(500);
		expect(await res.json()).toEqual({ error: { message: "boom", type: "server_error", code: null } });
	});

	it("answers malformed content that is not valid JSON", async () => {
		const s = await start({ responder: () => ({ kind: "malformed" }) });
		const content = (await completion(await post(s))).choices[0]?.message.content ?? "";
		expect(() => JSON.parse(content)).toThrow(SyntaxError);
	});

	it("lets the client's AbortSignal cut off a hang, and close() ends hanging calls", async () => {
		const s = await start({ responder: () => ({ kind: "hang" }) });
		const controller = new AbortController();
		const aborted = post(s, chatBody(), controller.signal);
		await vi.waitFor(() => expect(s.counters.inFlight).toBe(1));
		controller.abort();
		await expect(aborted).rejects.toThrow(/abort/i);
		await vi.waitFor(() => expect(s.counters.inFlight).toBe(0));
		const left = post(s);
		await vi.waitFor(() => expect(s.counters.inFlight).toBe(1));
		await s.close();
		await expect(left).rejects.toThrow("fetch failed");
	});

	it("drops the connection on disconnect", async () => {
		const s = await start({ responder: () => ({ kind: "disconnect" }) });
		await expect(post(s)).rejects.toThrow("fetch failed");
	});

	it("omits usage when the server or the reply says so", async () => {
		const s = await start({ responder: () => jsonReply({ answer: "" }, { usage: null }) });
		expect((await completion(await post(s))).usage).toBeUndefined();
		const quiet = await startModelServer({ usage: false });
		try {
			expect((await completion(await post(quiet))).usage).toBeUndefined();
		} finally {
			await quiet.close();
		}
	});

	it("streams SSE chunks ending in [DONE]", async () => {
		const value = { answer: "a long enough answer to need more than one streamed chunk" };
		const s = await start({ responder: () => jsonReply(value) });
		const res = await post(s, chatBody({ stream: true, stream_options: { include_usage: true } }));
		expect(res.headers.get("content-type")).toBe("text/event-stream");
		const events = (await res.text()).split("\n\n").filter(Boolean);
		expect(events.every((event) => event.startsWith("data: "))).toBe(true);
		expect(events.at(-1)).toBe("data: [DONE]");
		const chunks = events.slice(0, -1).map((event) => JSON.parse(event.slice(6)));
		expect(chunks[0].choices[0].delta.role).toBe("assistant");
		const content = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("");
		expect(JSON.parse(content)).toEqual(value);
		expect(chunks.filter((chunk) => chunk.choices[0]?.delta.content).length).toBeGreaterThan(1);
		expect(chunks.some((chunk) => chunk.choices[0]?.finish_reason === "stop")).toBe(true);
		expect(chunks.at(-1).usage.total_tokens).toBeGreaterThan(0);
	});

	it("paces a streamed answer in chunks of the size the reply asks for", async () => {
		const s = await start({
			responder: () => textReply("abcdefghij", { stream: { chunkChars: 4, chunkDelayMs: 30 } }),
		});
		const res = await post(s, chatBody({ stream: true }));
		const arrivals: { at: number; text: string }[] = [];
		const decoder = new TextDecoder();
		for await (const bytes of res.body as unknown as AsyncIterable<Uint8Array>) {
			arrivals.push({ at: Date.now(), text: decoder.decode(bytes, { stream: true }) });
		}
		const pieces = arrivals
			.flatMap((arrival) => arrival.text.split("\n\n"))
			.filter((event) => event.startsWith("data: {"))
			.map((event) => JSON.parse(event.slice(6)).choices[0]?.delta.content)
			.filter(Boolean);
		expect(pieces).toEqual(["abcd", "efgh", "ij"]);
		// Paced: the content did not arrive in one read.
		expect(arrivals.filter((arrival) => arrival.text.includes('"content":"')).length).toBeGreaterThan(1);
	});

	it("drops the connection mid-stream after the chunks the reply allows", async () => {
		const s = await start({
			responder: () => textReply("abcdefghij", { stream: { chunkChars: 2, dropAfterChunks: 2 } }),
		});
		const res = await post(s, chatBody({ stream: true }));
		expect(res.status).toBe(200);
		let received = "";
		const read = (async () => {
			const decoder = new TextDecoder();
			for await (const bytes of res.body as unknown as AsyncIterable<Uint8Array>) received += decoder.decode(bytes);
		})();
		await expect(read).rejects.toThrow(/terminated|closed|socket/i);
		expect(received).toContain('"content":"ab"');
		expect(received).toContain('"content":"cd"');
		expect(received).not.toContain('"content":"ef"');
		expect(received).not.toContain("[DONE]");
	});

	it("sends an error chunk mid-stream after the chunks the reply allows, and no [DONE]", async () => {
		const s = await start({
			responder: () => textReply("abcdefghij", { stream: { chunkChars: 2, failAfterChunks: 1 } }),
		});
		const res = await post(s, chatBody({ stream: true }));
		expect(res.status).toBe(200);
		const events = (await res.text()).split("\n\n").filter(Boolean);
		expect(events.some((event) => event.includes('"content":"ab"'))).toBe(true);
		expect(events.some((event) => event.includes('"content":"cd"'))).toBe(false);
		expect(JSON.parse(events.at(-1)!.slice(6))).toMatchObject({ error: { type: "server_error", code: "500" } });
		expect(events).not.toContain("data: [DONE]");
	});

	it("serves counters, models and health, and 404s unknown routes", async () => {
		const s = await start({ models: ["big"] });
		await completion(await post(s));
		expect(await (await fetch(`${s.url}/__counters`)).json()).toMatchObject({ calls: 1, byLabel: { default: 1 } });
		expect(await (await fetch(`${s.baseURL}/models`)).json()).toMatchObject({
			object: "list",
			data: [{ id: "big", object: "model" }],
		});
		expect((await fetch(`${s.url}/health`)).status).toBe(200);
		const missing = await fetch(`${s.url}/v1/nothing`);
		expect(missing.status).toBe(404);
		expect(await missing.json()).toMatchObject({ error: { code: "not_found" } });
	});

	it("rejects a body that is not a chat request with 400", async () => {
		const s = await start();
		expect((await post(s, { model: "big" })).status).toBe(400);
		expect(s.counters.calls).toBe(0);
	});
});
