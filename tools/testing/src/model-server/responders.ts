/**
 * Small builders for scripted responders, so tests state "the planner answers X, subtasks answer Y"
 * instead of writing request-routing code.
 */
import { demoAnswer, schemaFiller } from "@ow/demo-model";
import type { ChatRequest, Classifier, JsonReply, Reply, Responder, TextReply } from "./types.ts";

export { schemaFiller } from "@ow/demo-model";

/** A 200 reply whose content is `JSON.stringify(value)`. */
export function jsonReply(value: unknown, extra: Omit<JsonReply, "kind" | "value"> = {}): JsonReply {
	return { kind: "json", value, ...extra };
}

/** A 200 reply with free text content. */
export function textReply(text: string, extra: Omit<TextReply, "kind" | "text"> = {}): TextReply {
	return { kind: "text", text, ...extra };
}

/** A 429 with `Retry-After`, the usual rate-limit injection. */
export function rateLimitReply(retryAfterSeconds = 1): Reply {
	return { kind: "error", status: 429, retryAfterSeconds, message: "Rate limit reached (scripted)" };
}

/** Per-label entry of `byLabel`: a fixed reply or a responder. */
export type LabelResponse = Reply | Responder;

/**
 * Routes each request to the entry for its label. A label without an entry goes to `fallback`; without a
 * fallback the call fails with a 500 naming the label, so a missing script shows up in the test's error.
 */
export function byLabel(entries: Record<string, LabelResponse>, fallback?: Responder): Responder {
	return (request, ctx) => {
		const entry = Object.hasOwn(entries, ctx.label) ? entries[ctx.label] : undefined;
		if (typeof entry === "function") return entry(request, ctx);
		if (entry !== undefined) return entry;
		if (fallback) return fallback(request, ctx);
		return { kind: "error", status: 500, message: `no scripted reply for label "${ctx.label}"` };
	};
}

/**
 * A classifier that labels a request by the first rule whose text or pattern occurs in its system prompt,
 * e.g. `labelBySystemPrompt({ plan: "You are the planner", subtask: /execute one subtask/i })`.
 */
export function labelBySystemPrompt(rules: Record<string, string | RegExp>, fallback = "default"): Classifier {
	return (request) => {
		for (const [label, rule] of Object.entries(rules)) {
			if (typeof rule === "string" ? request.system.includes(rule) : rule.test(request.system)) return label;
		}
		return fallback;
	};
}

/** The deterministic text answer of the generic responder: echoes the start of the user message. */
export function echoText(request: ChatRequest): string {
	const start = request.user.replace(/\s+/g, " ").trim().slice(0, 80);
	return `Scripted answer to: ${start}`;
}

/**
 * Answers anything validly: a minimal schema-conforming value for JSON-schema requests, `{}` for plain
 * JSON mode, and `echoText` otherwise. The default responder of the server and the CLI.
 */
export const genericResponder: Responder = (request) => {
	if (request.jsonSchema) return jsonReply(schemaFiller(request.jsonSchema));
	if (request.response_format?.type === "json_object") return jsonReply({});
	return textReply(echoText(request));
};

/**
 * Answers like the orchestrator's built-in demo model (@ow/demo-model): plans from the request's URLs or
 * clauses, subtask answers that quote their page and earlier results, a synthesis that cites them. For
 * trying the openai-compatible path by hand; tests script their answers instead.
 */
export const demoResponder: Responder = (request) => {
	const answer = demoAnswer({ system: request.system, user: request.user, schema: request.jsonSchema });
	return answer.kind === "json" ? jsonReply(answer.value) : textReply(answer.text);
};
