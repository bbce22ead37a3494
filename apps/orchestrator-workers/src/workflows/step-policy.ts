/**
 * How steps retry and how errors cross a step boundary.
 *
 * Workflows is the only retry layer: model calls inside steps run with `maxRetries: 0`. A step's
 * retry delay grows exponentially from the configured delay, and a provider's Retry-After lengthens
 * it (a dynamic delay function: the platform asks for the delay after each failed attempt).
 *
 * An error leaving a step may reach `run()` as a plain Error with only its message, so the code
 * travels in the message: `[code] message`. A NonRetryableError keeps its default name: the engine
 * recognises it by that name (a custom name makes it retry), and may prefix the name to the message.
 */
import { NonRetryableError } from "cloudflare:workflows";
import { messageOf, OrchestratorError, type OrchestratorErrorCode } from "../errors";
import type { StepPolicy } from "../config";

/** Longest wait between attempts, whatever Retry-After says: beyond it the step should fail instead. */
const MAX_RETRY_DELAY_MS = 5 * 60_000;

/** The step config for a policy: explicit retries with exponential backoff, Retry-After aware. */
export function stepConfig(policy: StepPolicy) {
	return {
		retries: {
			limit: policy.retryLimit,
			delay: ({ ctx, error }: { ctx: { attempt: number }; error: Error }) => retryDelayMs(policy, ctx.attempt, error),
		},
		timeout: policy.timeoutMs,
	};
}

/** Exponential backoff from the policy's delay, at least the provider's Retry-After. */
export function retryDelayMs(policy: StepPolicy, attempt: number, error: Error): number {
	const backoff = policy.retryDelayMs * 2 ** Math.max(0, attempt - 1);
	const retryAfterMs = (retryAfterOf(error) ?? 0) * 1000;
	return Math.min(MAX_RETRY_DELAY_MS, Math.max(backoff, retryAfterMs));
}

const RETRY_AFTER = /\(retry after (\d+(?:\.\d+)?) s\)/;

function retryAfterOf(error: Error): number | undefined {
	if (error instanceof OrchestratorError && error.retryAfterSeconds !== undefined) return error.retryAfterSeconds;
	const match = RETRY_AFTER.exec(error.message);
	return match ? Number(match[1]) : undefined;
}

/**
 * Turns an OrchestratorError into what a step throws: a NonRetryableError when retrying cannot help,
 * a plain Error otherwise. Both carry the code (and any Retry-After) in the message.
 */
export function toStepError(error: OrchestratorError): Error {
	const retryAfter = error.retryAfterSeconds !== undefined ? ` (retry after ${error.retryAfterSeconds} s)` : "";
	const message = `[${error.code}] ${error.message}${retryAfter}`;
	return error.recoverable ? new Error(message) : new NonRetryableError(message);
}

/** Reads back the code and message of an error that came out of a step. */
export function fromStepError(error: unknown): { code: OrchestratorErrorCode; message: string } {
	if (error instanceof OrchestratorError) return { code: error.code, message: error.message };
	const text = messageOf(error);
	const match = /^(?:\w*Error: )*\[([a-z-]+)\] ([\s\S]*)$/.exec(text);
	if (!match) return { code: "internal", message: text };
	return { code: match[1] as OrchestratorErrorCode, message: match[2]!.replace(RETRY_AFTER, "").trim() };
}
