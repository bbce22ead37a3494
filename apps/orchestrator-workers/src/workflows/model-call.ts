/**
 * One model call as a step makes it: no SDK retries (the Workflow retries), usage recorded with
 * unknown counts kept unknown, and every failure turned into a classified OrchestratorError.
 */
import { generateText, NoObjectGeneratedError, Output, type LanguageModel, type LanguageModelUsage } from "ai";
import type { z } from "zod";
import type { BuiltPrompt } from "@ow/prompts";
import type { Usage } from "@ow/schemas";
import { OrchestratorError } from "../errors";

export interface ModelCall {
	model: LanguageModel;
	modelId: string;
	prompt: BuiltPrompt;
	/** How to explain an unreachable model in the run's error. */
	fix: string;
}

/** Usage of one call; a count the provider did not report stays null. */
export function usageOf(modelId: string, usage: LanguageModelUsage | undefined): Usage {
	const counts = { inputTokens: usage?.inputTokens ?? null, outputTokens: usage?.outputTokens ?? null };
	return { ...counts, calls: 1, byModel: { [modelId]: { ...counts, calls: 1 } } };
}

/** Generates free text. */
export async function generateAnswer(call: ModelCall): Promise<{ text: string; usage: Usage }> {
	try {
		const result = await generateText({ model: call.model, ...call.prompt, maxRetries: 0 });
		return { text: result.text, usage: usageOf(call.modelId, result.usage) };
	} catch (error) {
		throw OrchestratorError.fromModelCall(error, call.fix);
	}
}

/** A structured answer, or the text the model gave when it did not fit the schema. */
export type StructuredResult<T> =
	| { ok: true; value: T; usage: Usage }
	| { ok: false; text: string; problem: string; usage: Usage };

/**
 * Generates an object of `schema` through structured output. Non-streaming on purpose: Workers AI
 * refuses JSON Schema with streaming. An answer that does not fit the schema is returned, not thrown,
 * so the caller can choose between repairing it and retrying.
 */
export async function generateStructured<T>(call: ModelCall, schema: z.ZodType<T>): Promise<StructuredResult<T>> {
	try {
		const result = await generateText({
			model: call.model,
			...call.prompt,
			output: Output.object({ schema }),
			maxRetries: 0,
		});
		return { ok: true, value: result.output as T, usage: usageOf(call.modelId, result.usage) };
	} catch (error) {
		if (NoObjectGeneratedError.isInstance(error)) {
			const problem = error.cause instanceof Error ? error.cause.message : error.message;
			return { ok: false, text: error.text ?? "", problem, usage: usageOf(call.modelId, error.usage) };
		}
		throw OrchestratorError.fromModelCall(error, call.fix);
	}
}
