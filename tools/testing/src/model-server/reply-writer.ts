/**
 * Writes a scripted `Reply` onto an HTTP response in the OpenAI chat completions format, as a single JSON
 * body or as server-sent events when the request asked to stream.
 */
import type { ServerResponse } from "node:http";
import { estimateTokens, promptTokens } from "./request.ts";
import type { ChatRequest, ErrorReply, Reply, ResponderContext, StreamPacing } from "./types.ts";

/** Content of a malformed reply unless the reply gives its own: a truncated plan. */
export const DEFAULT_MALFORMED_CONTENT = '{"subtasks": [oops';

/** Characters per streamed content delta; small enough that real answers arrive in several chunks. */
const STREAM_CHUNK_CHARS = 32;

/** What the writer needs besides the reply itself. */
export interface WriteContext {
	request: ChatRequest;
	call: ResponderContext;
	/** False when the server was started with `usage: false`. */
	usage: boolean;
}

/** Sends `value` as a JSON body with `status`. */
export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}) {
	const text = JSON.stringify(value);
	res.writeHead(status, {
		"content-type": "application/json",
		"content-length": String(Buffer.byteLength(text)),
		...headers,
	});
	res.end(text);
}

/** An OpenAI-style error body. */
export function errorBody(message: string, type: string, code: string | null = null) {
	return { error: { message, type, code } };
}

function defaultErrorType(status: number): { type: string; code: string | null } {
	if (status === 429) return { type: "rate_limit_error", code: "rate_limit_exceeded" };
	if (status >= 500) return { type: "server_error", code: null };
	return { type: "invalid_request_error", code: null };
}

function writeError(res: ServerResponse, reply: ErrorReply): void {
	const headers: Record<string, string> = {};
	if (reply.retryAfterSeconds !== undefined) headers["retry-after"] = String(reply.retryAfterSeconds);
	if (typeof reply.body === "string") {
		res.writeHead(reply.status, { "content-type": "text/plain", ...headers });
		res.end(reply.body);
		return;
	}
	const { type, code } = defaultErrorType(reply.status);
	const body = reply.body ?? errorBody(reply.message ?? `scripted error ${reply.status}`, type, code);
	sendJson(res, reply.status, body, headers);
}

/**
 * Writes `reply`; resolves once it is written (a paced stream takes a while). Hang leaves the response
 * open on purpose: the client's abort or the server's close() ends it. Disconnect destroys the socket
 * without a status line.
 */
export async function writeReply(res: ServerResponse, reply: Reply, ctx: WriteContext): Promise<void> {
	switch (reply.kind) {
		case "hang":
			return;
		case "disconnect":
			res.socket?.destroy();
			return;
		case "error":
			writeError(res, reply);
			return;
		case "json":
			return writeContent(res, JSON.stringify(reply.value), reply, ctx);
		case "text":
			return writeContent(res, reply.text, reply, ctx);
		case "malformed":
			return writeContent(res, reply.content ?? DEFAULT_MALFORMED_CONTENT, reply, ctx);
	}
}

interface OpenAIUsage {
	prompt_tokens: number;
	completion_tokens: number;
	total_tokens: number;
}

function usageFor(content: string, reply: Extract<Reply, { kind: "json" | "text" | "malformed" }>, ctx: WriteContext) {
	if (!ctx.usage || reply.usage === null) return undefined;
	const counts = reply.usage ?? {
		prompt_tokens: promptTokens(ctx.request),
		completion_tokens: estimateTokens(content),
	};
	const usage: OpenAIUsage = { ...counts, total_tokens: counts.prompt_tokens + counts.completion_tokens };
	return usage;
}

async function writeContent(
	res: ServerResponse,
	content: string,
	reply: Extract<Reply, { kind: "json" | "text" | "malformed" }>,
	ctx: WriteContext,
): Promise<void> {
	const id = `chatcmpl-scripted-${ctx.call.callIndex}`;
	const created = Math.floor(Date.now() / 1000);
	const model = ctx.request.model;
	const finishReason = reply.finishReason ?? "stop";
	const usage = usageFor(content, reply, ctx);
	if (ctx.request.stream === true) {
		await writeStream(res, {
			pacing: reply.stream ?? {},
			id,
			created,
			model,
			content,
			finishReason,
			usage,
			includeUsage: ctx.request.stream_options?.include_usage === true,
		});
		return;
	}
	sendJson(res, 200, {
		id,
		object: "chat.completion",
		created,
		model,
		choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: finishReason }],
		...(usage ? { usage } : {}),
	});
}

interface StreamParts {
	pacing: StreamPacing;
	id: string;
	created: number;
	model: string;
	content: string;
	finishReason: string;
	usage: OpenAIUsage | undefined;
	includeUsage: boolean;
}

/** Resolves after `ms`, or as soon as the response closes (client gone or server closing). */
export function waitUnlessClosed(res: ServerResponse, ms: number): Promise<void> {
	if (ms <= 0 || res.destroyed) return Promise.resolve();
	return new Promise((resolve) => {
		const done = (): void => {
			clearTimeout(timer);
			res.off("close", done);
			resolve();
		};
		const timer = setTimeout(done, ms);
		res.once("close", done);
	});
}

/**
 * Role delta, content deltas, the finish chunk, an optional usage chunk, then `[DONE]`; paced and cut
 * short as `parts.pacing` says.
 */
async function writeStream(res: ServerResponse, parts: StreamParts): Promise<void> {
	const { chunkChars = STREAM_CHUNK_CHARS, chunkDelayMs = 0, dropAfterChunks, failAfterChunks } = parts.pacing;
	res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
	const base = { id: parts.id, object: "chat.completion.chunk", created: parts.created, model: parts.model };
	const send = (choices: unknown[], extra: Record<string, unknown> = {}): void => {
		res.write(`data: ${JSON.stringify({ ...base, choices, ...extra })}\n\n`);
	};
	send([{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }]);
	let chunks = 0;
	for (let at = 0; at < parts.content.length; at += chunkChars) {
		await waitUnlessClosed(res, chunkDelayMs);
		if (res.destroyed) return;
		if (chunks === dropAfterChunks) {
			// Let the chunks already written reach the client first: a destroy discards buffered data.
			await new Promise<void>((resolve) => res.write("", () => resolve()));
			res.socket?.destroy();
			return;
		}
		if (chunks === failAfterChunks) {
			const error = errorBody("scripted server error mid-stream", "server_error", "500");
			res.end(`data: ${JSON.stringify(error)}\n\n`);
			return;
		}
		send([{ index: 0, delta: { content: parts.content.slice(at, at + chunkChars) }, finish_reason: null }]);
		chunks += 1;
	}
	send([{ index: 0, delta: {}, finish_reason: parts.finishReason }]);
	if (parts.includeUsage && parts.usage) send([], { usage: parts.usage });
	res.end("data: [DONE]\n\n");
}
