/**
 * A model call whose text arrives as it is generated: the synthesis streams its answer to live
 * clients. Same contract as the calls in model-call.ts (no SDK retries, usage kept, failures
 * classified), so a streamed call spends and fails exactly like one that is not.
 */
import { APICallError, streamText } from "ai";
import type { Usage } from "@ow/schemas";
import { messageOf, OrchestratorError } from "../errors";
import { classify, inChatSpan, spendOn, usageOf, type ModelCall } from "./model-call";

/**
 * Generates free text, handing each piece to `onText` as it arrives; resolves with the whole text and
 * its usage. A provider error before or during the stream rejects with a classified OrchestratorError
 * (what `onText` already got is then to be discarded by the caller).
 */
export function streamAnswer(call: ModelCall, onText: (text: string) => void): Promise<{ text: string; usage: Usage }> {
	return inChatSpan(call, async (span) => {
		try {
			const result = streamText({
				model: call.model,
				...call.prompt,
				maxOutputTokens: call.maxOutputTokens,
				maxRetries: 0,
				timeout: call.timeoutMs,
				// Errors are read from the stream below and thrown; the default handler would only log them.
				onError: () => undefined,
			});
			let text = "";
			let usage;
			for await (const part of result.stream) {
				if (part.type === "text-delta") {
					text += part.text;
					onText(part.text);
				} else if (part.type === "error") {
					throw streamError(part.error);
				} else if (part.type === "abort") {
					// The only abort is the call's own timeout.
					throw new DOMException(part.reason ?? "The model call timed out.", "TimeoutError");
				} else if (part.type === "finish") {
					usage = part.totalUsage;
				}
			}
			return { text, usage: spendOn(span, usageOf(call.modelId, usage)) };
		} catch (error) {
			throw classify(brokenStream(error) ?? error, call);
		}
	});
}

/**
 * A stream that broke off after the provider answered 200 (a dropped connection, a truncated body): the
 * SDK reports it as an APICallError with the 200 status that its generic rule would call a refusal.
 * It is a transient failure, worth another attempt.
 */
function brokenStream(error: unknown): OrchestratorError | undefined {
	if (!APICallError.isInstance(error) || error.statusCode === undefined || error.statusCode >= 300) return undefined;
	const cause = error.cause === undefined ? error.message : messageOf(error.cause);
	return new OrchestratorError("model-error", `The model's answer broke off while it streamed: ${cause}`, {
		recoverable: true,
		cause: error,
	});
}

/**
 * An error the provider sent inside the stream (OpenAI sends `{"error": {message, …}}` for a server error
 * after the 200) arrives as that plain object: a transient provider failure, worth another attempt.
 */
function streamError(error: unknown): unknown {
	if (error instanceof Error || typeof error !== "object" || error === null) return error;
	const message = "message" in error && typeof error.message === "string" ? error.message : JSON.stringify(error);
	return new OrchestratorError("model-error", `The model provider failed while it streamed: ${message}`, {
		recoverable: true,
	});
}
