/**
 * The scripted OpenAI-compatible model server: a test double for the model network boundary. End-to-end
 * tests and benchmarks point the product's `@ai-sdk/openai-compatible` provider at it and script every
 * answer, failure and delay, then assert on the recorded requests and counters.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { createCounters, resetCounters, startCall } from "./counters.ts";
import { errorBody, sendJson, waitUnlessClosed, writeReply } from "./reply-writer.ts";
import { parseChatRequest } from "./request.ts";
import { genericResponder } from "./responders.ts";
import { createScenarioBook, scenarioProblem } from "./scenarios.ts";
import type {
	ModelServer,
	ModelServerOptions,
	RecordedRequest,
	Reply,
	Responder,
	ScenarioDefinition,
} from "./types.ts";

/** Model ids `GET /v1/models` lists unless `ModelServerOptions.models` says otherwise. */
export const DEFAULT_MODEL_IDS = ["big", "small"];

/** Upper bound for a request body; the product's prompts are far smaller, so more means a bug. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

async function readBody(req: IncomingMessage): Promise<string> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of req as AsyncIterable<Buffer>) {
		size += chunk.length;
		if (size > MAX_BODY_BYTES) throw new Error("request body too large");
		chunks.push(chunk);
	}
	return Buffer.concat(chunks).toString("utf8");
}

/**
 * Starts the server on 127.0.0.1 (never another interface: it answers anyone without auth) and resolves
 * once it listens. Port 0 unless `options.port` is given.
 */
export async function startModelServer(options: ModelServerOptions = {}): Promise<ModelServer> {
	const counters = createCounters();
	const requests: RecordedRequest[] = [];
	const queues = new Map<string, Reply[]>();
	const sockets = new Set<Socket>();
	const classify = options.classify ?? (() => "default");
	const models = options.models ?? DEFAULT_MODEL_IDS;
	let responder: Responder = options.responder ?? genericResponder;
	const scenarios = createScenarioBook();

	async function handleChat(req: IncomingMessage, res: ServerResponse): Promise<void> {
		let raw: unknown;
		try {
			raw = JSON.parse(await readBody(req));
		} catch (error) {
			sendJson(res, 400, errorBody(`invalid JSON body: ${String(error)}`, "invalid_request_error"));
			return;
		}
		const headers = Object.fromEntries(
			Object.entries(req.headers).map(([name, value]) => [
				name,
				Array.isArray(value) ? value.join(", ") : (value ?? ""),
			]),
		);
		const request = parseChatRequest(raw, headers);
		if (typeof request === "string") {
			sendJson(res, 400, errorBody(request, "invalid_request_error"));
			return;
		}
		const label = classify(request);
		const { ctx, finish } = startCall(counters, label);
		let closed = false;
		res.once("close", () => {
			closed = true;
			finish();
		});
		requests.push({ label, body: raw as RecordedRequest["body"], receivedAt: Date.now() });
		let reply = queues.get(label)?.shift();
		const scripted = reply ? undefined : scenarios.answer(request);
		if (scripted) {
			reply = scripted.reply;
			res.once("close", scripted.done);
		}
		if (reply && !scripted) counters.failuresInjected += 1;
		else if (!reply) {
			try {
				reply = await responder(request, ctx);
			} catch (error) {
				reply = { kind: "error", status: 500, message: `responder threw: ${String(error)}` };
			}
		}
		const delayMs = (options.latencyMs ?? 0) + (reply.delayMs ?? 0);
		if (delayMs > 0 && !closed) await waitUnlessClosed(res, delayMs);
		if (closed) return;
		await writeReply(res, reply, { request, call: ctx, usage: options.usage !== false });
		if (reply.kind !== "hang") scripted?.done();
		// Count the call as finished once its answer is written, not when the socket later reports it,
		// so a client that has its response always reads inFlight without the call.
		if (reply.kind !== "hang") finish();
	}

	async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
		if (req.method === "POST" && path === "/v1/chat/completions") return handleChat(req, res);
		if (req.method === "GET" && path === "/v1/models") {
			const data = models.map((id) => ({ id, object: "model", created: 0, owned_by: "scripted" }));
			return sendJson(res, 200, { object: "list", data });
		}
		if (req.method === "GET" && path === "/health") return sendJson(res, 200, { status: "ok" });
		if (req.method === "GET" && path === "/__counters") return sendJson(res, 200, counters);
		if (path.startsWith("/__scenarios")) return handleScenarios(req, res, path);
		sendJson(res, 404, errorBody(`no route for ${req.method} ${path}`, "not_found_error", "not_found"));
	}

	async function handleScenarios(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
		const id = decodeURIComponent(path.slice("/__scenarios/".length));
		if (req.method === "POST" && path === "/__scenarios") {
			let definition: unknown;
			try {
				definition = JSON.parse(await readBody(req));
			} catch (error) {
				return sendJson(res, 400, errorBody(`invalid JSON body: ${String(error)}`, "invalid_request_error"));
			}
			const problem = scenarioProblem(definition);
			if (problem) return sendJson(res, 400, errorBody(problem, "invalid_request_error"));
			scenarios.define(definition as ScenarioDefinition);
			return sendJson(res, 201, scenarios.stats((definition as ScenarioDefinition).id));
		}
		if (req.method === "GET" && id) {
			const stats = scenarios.stats(id);
			return stats ? sendJson(res, 200, stats) : sendJson(res, 404, errorBody(`no scenario ${id}`, "not_found_error"));
		}
		if (req.method === "DELETE" && id) return sendJson(res, scenarios.remove(id) ? 200 : 404, { id });
		sendJson(res, 404, errorBody(`no route for ${req.method} ${path}`, "not_found_error", "not_found"));
	}

	const server = createServer((req, res) => {
		handle(req, res).catch((error: unknown) => {
			if (res.headersSent || res.destroyed) res.destroy();
			else sendJson(res, 500, errorBody(`model server failed: ${String(error)}`, "server_error"));
		});
	});
	// Longer than any client keeps an idle connection: when the server closed idle sockets first (Node's
	// default is 5 s), a client reusing one as it closed got a reset, and the call failed before the
	// server saw it. Under load that made model calls fail that no real server would have refused.
	server.keepAliveTimeout = 120_000;
	server.headersTimeout = 121_000;
	server.on("connection", (socket) => {
		sockets.add(socket);
		socket.once("close", () => sockets.delete(socket));
	});

	await new Promise<void>((resolve, reject) => {
		server.once("error", reject);
		server.listen(options.port ?? 0, "127.0.0.1", () => {
			server.off("error", reject);
			resolve();
		});
	});
	const address = server.address();
	const port = typeof address === "object" && address ? address.port : 0;
	const url = `http://127.0.0.1:${port}`;

	let closing: Promise<void> | undefined;
	return {
		url,
		baseURL: `${url}/v1`,
		port,
		counters,
		requests,
		setResponder(next) {
			responder = next;
		},
		failNext(label, reply, times = 1) {
			const queue = queues.get(label) ?? [];
			for (let i = 0; i < times; i += 1) queue.push(reply);
			queues.set(label, queue);
		},
		defineScenario(definition) {
			scenarios.define(definition);
		},
		scenarioStats(id) {
			return scenarios.stats(id);
		},
		reset() {
			resetCounters(counters);
			scenarios.clear();
			requests.length = 0;
			queues.clear();
		},
		close() {
			closing ??= new Promise<void>((resolve, reject) => {
				server.close((error) => (error ? reject(error) : resolve()));
				// server.close() alone waits for open connections; hanging calls would keep it open forever.
				server.closeAllConnections();
				for (const socket of sockets) socket.destroy();
			});
			return closing;
		},
	};
}
