/**
 * Step body of synthesis: the big model combines the subtask results into `{answer, references}`.
 */
import { synthesisePrompt, type SynthesisInput } from "@ow/prompts";
import { synthesisSchema, type Synthesis, type Usage } from "@ow/schemas";
import { OrchestratorError } from "../errors";
import type { Models } from "../models";
import { generateStructured } from "./model-call";

/** Asks the big model for the final answer; an answer that breaks the schema is retried by the step. */
export async function synthesise(
	models: Models,
	input: { request: string; results: SynthesisInput[] },
): Promise<{ synthesis: Synthesis; usage: Usage; startedAt: string; finishedAt: string }> {
	const startedAt = new Date().toISOString();
	const answer = await generateStructured<Synthesis>(
		models.call("synthesise", synthesisePrompt(input)),
		synthesisSchema,
	);
	if (!answer.ok) {
		throw new OrchestratorError("model-error", `The synthesis did not match its schema: ${answer.problem}`, {
			recoverable: true,
			spent: { usage: answer.usage, unknownCalls: 0 },
		});
	}
	return { synthesis: answer.value, usage: answer.usage, startedAt, finishedAt: new Date().toISOString() };
}
