/**
 * One model call as a step makes it: no SDK retries (the Workflow retries), usage recorded with
 * unknown counts kept unknown, and every failure turned into a classified OrchestratorError.
 */
import {
	generateText,
	NoObjectGeneratedError,
	Output,
	zodSchema,
	type LanguageModel,
	type LanguageModelUsage,
	type Schema,
} from "ai";
import type { z } from "zod";
import type { BuiltPrompt } from "@ow/prompts";
import type { Usage } from "@ow/schemas";
import { passBudgetGate } from "../budget/budget-gate";
import { OrchestratorError, type Spent } from "../errors";
import type { Span } from "../telemetry/run-trace";
import { traced } from "../telemetry/trace-context";

export interface ModelCall {
	model: LanguageModel;
	modelId: string;
	prompt: BuiltPrompt;
	/** How to explain an unreachable model in the run's error. */
	fix: string;
	/**
	 * The call is abandoned after this long. The step has a timeout too, but a call that never answers
	 * must not depend on the platform noticing: the product bounds its own waits.
	 */
	timeoutMs: number;
	/** Most tokens the model may generate (`max_tokens`): no call is left unbounded. */
	maxOutputTokens: number;
	/** Varied sampling (an ensemble's samples): the provider's defaults when absent. */
	sampling?: Sampling;
}

/** Sampling settings of one call: each sample of a vote gets its own seed and temperature. */
export interface Sampling {
	temperature: number;
	seed: number;
}

/** Usage of one call; a count the provider did not report stays null. */
export function usageOf(modelId: string, usage: LanguageModelUsage | undefined): Usage {
	const counts = { inputTokens: usage?.inputTokens ?? null, outputTokens: usage?.outputTokens ?? null };
	return { ...counts, calls: 1, byModel: { [modelId]: { ...counts, calls: 1 } } };
}

/**
 * Runs a model call in its own span (OpenTelemetry GenAI semantic conventions), under the step
 * attempt's span; without tracing it just runs the call. Every call passes the run's budget gate
 * first: a call that does not fit is never sent (budget/budget-gate.ts).
 */
export async function inChatSpan<T>(call: ModelCall, work: (span: Span | null) => Promise<T>): Promise<T> {
	await passBudgetGate(call);
	const provider = typeof call.model === "object" ? call.model.provider : undefined;
	const attributes = {
		"gen_ai.operation.name": "chat",
		"gen_ai.provider.name": provider,
		"gen_ai.request.model": call.modelId,
		"gen_ai.request.max_tokens": call.maxOutputTokens,
	};
	return traced(`chat ${call.modelId}`, attributes, work, (e) =>
		e instanceof OrchestratorError ? e.code : "internal",
	);
}

/** The usage attributes of a call's span; a count the provider did not report is left out. */
export function spendOn(span: Span | null, usage: Usage): Usage {
	span?.set({
		"gen_ai.usage.input_tokens": usage.inputTokens ?? undefined,
		"gen_ai.usage.output_tokens": usage.outputTokens ?? undefined,
	});
	return usage;
}

/** Generates free text. */
export function generateAnswer(call: ModelCall): Promise<{ text: string; usage: Usage }> {
	return inChatSpan(call, async (span) => {
		try {
			const result = await generateText({
				model: call.model,
				...call.prompt,
				...call.sampling,
				maxOutputTokens: call.maxOutputTokens,
				maxRetries: 0,
				timeout: call.timeoutMs,
			});
			return { text: result.text, usage: spendOn(span, usageOf(call.modelId, result.usage)) };
		} catch (error) {
			throw classify(error, call);
		}
	});
}

/** A structured answer, or the text the model gave when it did not fit the schema. */
export type StructuredResult<T> =
	| { ok: true; value: T; usage: Usage }
	| { ok: false; text: string; problem: string; usage: Usage };

/**
 * Each schema as the SDK takes it, made once per isolate: the SDK converts a zod schema to JSON Schema
 * on every call it is given anew, and keeps the result only on the wrapper it made for that call.
 */
const sdkSchemas = new WeakMap<z.ZodType, Schema>();

function sdkSchema<T>(schema: z.ZodType<T>): Schema<T> {
	let made = sdkSchemas.get(schema) as Schema<T> | undefined;
	if (!made) sdkSchemas.set(schema, (made = zodSchema(schema)));
	return made;
}

/**
 * Generates an object of `schema` through structured output. Non-streaming on purpose: Workers AI
 * refuses JSON Schema with streaming. An answer that does not fit the schema is returned, not thrown,
 * so the caller can choose between repairing it and retrying.
 */
export function generateStructured<T>(call: ModelCall, schema: z.ZodType<T>): Promise<StructuredResult<T>> {
	return inChatSpan(call, async (span) => {
		try {
			const result = await generateText({
				model: call.model,
				...call.prompt,
				output: Output.object({ schema: sdkSchema(schema) }),
				maxOutputTokens: call.maxOutputTokens,
				maxRetries: 0,
				timeout: call.timeoutMs,
			});
			return { ok: true, value: result.output as T, usage: spendOn(span, usageOf(call.modelId, result.usage)) };
		} catch (error) {
			if (NoObjectGeneratedError.isInstance(error)) {
				const problem = error.cause instanceof Error ? error.cause.message : error.message;
				span?.fail("invalid-structured-output", problem);
				return { ok: false, text: error.text ?? "", problem, usage: spendOn(span, usageOf(call.modelId, error.usage)) };
			}
			throw classify(error, call);
		}
	});
}

/**
 * A call that failed without an answer: the provider reported no usage, yet may have billed it. It
 * counts as a call of its model with no known tokens, and as an unknown call.
 */
export function unknownCallOf(modelId: string): Spent {
	const counts = { inputTokens: 0, outputTokens: 0, calls: 1 };
	return { usage: { ...counts, byModel: { [modelId]: counts } }, unknownCalls: 1 };
}

/** A timeout says which limit ran out; anything else is classified by what the provider did. */
export function classify(error: unknown, call: ModelCall): OrchestratorError {
	const failure = classifyFailure(error, call);
	failure.spent ??= unknownCallOf(call.modelId);
	return failure;
}

function classifyFailure(error: unknown, call: ModelCall): OrchestratorError {
	const timedOut = [error, error instanceof Error ? error.cause : undefined].some(
		(e) => e instanceof Error && e.name === "TimeoutError",
	);
	if (timedOut) {
		return new OrchestratorError(
			"model-unreachable",
			`The model did not answer within ${call.timeoutMs} ms (MODEL_CALL_TIMEOUT_MS). ${call.fix}`,
			{ recoverable: true, cause: error },
		);
	}
	return OrchestratorError.fromModelCall(error, call.fix);
}
