/**
 * Turns a raw chat completion body into a `ChatRequest` and estimates token counts, so responders and
 * usage figures never depend on how the provider happened to shape message content.
 */
import { estimateTokens } from "@ow/demo-model";
import type { ChatMessage, ChatRequest, ChatRequestBody, JsonSchema } from "./types.ts";

/** The text of one message's content, whether it is a string or a list of parts. */
export function messageText(content: ChatMessage["content"]): string {
	if (typeof content === "string") return content;
	if (!Array.isArray(content)) return "";
	return content
		.filter((part) => part.type === "text" && typeof part.text === "string")
		.map((part) => part.text)
		.join("");
}

/** The joined text of every message with `role`. */
export function textOfRole(messages: ChatMessage[], role: string): string {
	return messages
		.filter((message) => message.role === role)
		.map((message) => messageText(message.content))
		.join("\n\n");
}

/** A deterministic token estimate (characters / 4, rounded up), the same as the demo model's. */
export { estimateTokens } from "@ow/demo-model";

/** Prompt tokens of a request: the estimate over every message's text. */
export function promptTokens(body: ChatRequestBody): number {
	return estimateTokens(body.messages.map((message) => messageText(message.content)).join(""));
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Validates the minimum the server relies on (an object with a `messages` array) and adds the convenience
 * fields. Returns an error message instead when the body is unusable.
 */
export function parseChatRequest(raw: unknown, headers: Record<string, string> = {}): ChatRequest | string {
	if (!isRecord(raw)) return "body must be a JSON object";
	if (!Array.isArray(raw["messages"]) || !raw["messages"].every(isRecord))
		return "messages must be an array of objects";
	const body = raw as ChatRequestBody;
	const format = body.response_format;
	const jsonSchemaFormat = format?.type === "json_schema" ? format.json_schema : undefined;
	const schema: JsonSchema | null = isRecord(jsonSchemaFormat?.schema) ? jsonSchemaFormat.schema : null;
	return {
		...body,
		model: typeof body.model === "string" ? body.model : "",
		system: textOfRole(body.messages, "system"),
		user: textOfRole(body.messages, "user"),
		jsonSchema: schema,
		schemaName: typeof jsonSchemaFormat?.name === "string" ? jsonSchemaFormat.name : null,
		headers,
	};
}
