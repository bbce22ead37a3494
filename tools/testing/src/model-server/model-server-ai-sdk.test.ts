// Round trips through the real AI SDK provider the product uses, so the wire format stays compatible.
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { APICallError, generateText, Output, streamText } from "ai";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { startModelServer } from "./model-server.ts";
import { genericResponder, jsonReply, rateLimitReply } from "./responders.ts";
import type { ModelServer } from "./types.ts";

let server: ModelServer;

beforeEach(async () => {
	server = await startModelServer();
});

afterEach(async () => {
	await server.close();
});

function provider() {
	return createOpenAICompatible({
		name: "test",
		baseURL: server.baseURL,
		supportsStructuredOutputs: true,
		includeUsage: true,
	});
}

describe("model server through @ai-sdk/openai-compatible", () => {
	it("answers generateText with a structured output and receives a json_schema response_format", async () => {
		server.setResponder(() => jsonReply({ answer: "42" }));
		const result = await generateText({
			model: provider()("big"),
			output: Output.object({ schema: z.object({ answer: z.string() }) }),
			prompt: "hi",
			maxRetries: 0,
		});
		expect(result.output).toEqual({ answer: "42" });
		expect(result.usage.outputTokens).toBe(Math.ceil('{"answer":"42"}'.length / 4));
		const format = server.requests[0]?.body.response_format;
		expect(format?.type).toBe("json_schema");
	});

	it("surfaces a scripted 429 as an APICallError with Retry-After", async () => {
		server.failNext("default", rateLimitReply(3));
		const error: unknown = await generateText({
			model: provider()("big"),
			output: Output.object({ schema: z.object({ answer: z.string() }) }),
			prompt: "hi",
			maxRetries: 0,
		}).then(
			() => undefined,
			(e: unknown) => e,
		);
		expect(APICallError.isInstance(error)).toBe(true);
		if (!APICallError.isInstance(error)) return;
		expect(error.statusCode).toBe(429);
		expect(error.responseHeaders?.["retry-after"]).toBe("3");
	});

	it("lets the generic responder satisfy a richer schema", async () => {
		server.setResponder(genericResponder);
		const schema = z.object({
			title: z.string(),
			kind: z.enum(["research", "write"]),
			link: z.url(),
			steps: z.array(z.object({ id: z.string(), weight: z.number().min(1) })).min(1),
			note: z.string().nullable(),
			done: z.boolean(),
		});
		const result = await generateText({
			model: provider()("small"),
			output: Output.object({ schema }),
			prompt: "plan",
			maxRetries: 0,
		});
		expect(result.output).toEqual({
			title: "",
			kind: "research",
			link: "https://example.com",
			steps: [{ id: "", weight: 1 }],
			note: null,
			done: false,
		});
	});

	it("streams text with usage through streamText", async () => {
		const result = streamText({
			model: provider()("big"),
			prompt: "Say something long enough to stream",
			maxRetries: 0,
		});
		expect(await result.text).toBe("Scripted answer to: Say something long enough to stream");
		expect((await result.usage).outputTokens).toBeGreaterThan(0);
		expect(server.requests[0]?.body.stream).toBe(true);
	});
});
