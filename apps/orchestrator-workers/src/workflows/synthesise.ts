/**
 * Step body of synthesis: the big model combines the subtask results into `{answer, references}`. The
 * answer streams as text to live clients while it is written; its references come from the markers in
 * it (see `synthesisFromText`), since Workers AI's JSON mode does not stream.
 */
import { synthesisFromText, synthesisePrompt, type SynthesisInput } from "@ow/prompts";
import type { Synthesis, Usage } from "@ow/schemas";
import { OrchestratorError } from "../errors";
import type { Models } from "../models";
import type { SynthesisRelay } from "../progress/synthesis-relay";
import { streamAnswer } from "./model-stream";

/**
 * Asks the big model for the final answer, handing its text to `relay` as it arrives; an empty or
 * broken answer is retried by the step.
 */
export async function streamSynthesis(
	models: Models,
	input: { request: string; results: SynthesisInput[] },
	relay: SynthesisRelay,
): Promise<{ synthesis: Synthesis; usage: Usage; startedAt: string; finishedAt: string }> {
	const startedAt = new Date().toISOString();
	const { text, usage } = await streamAnswer(models.call("synthesise", synthesisePrompt(input)), (piece) =>
		relay.text(piece),
	);
	const synthesis = synthesisFromText(text, input.results);
	if (!synthesis) {
		throw new OrchestratorError(
			"model-error",
			"The synthesis was empty, or a JSON object other than {answer, references}.",
			{ recoverable: true, spent: { usage, unknownCalls: 0 } },
		);
	}
	await relay.finish(synthesis.answer);
	return { synthesis, usage, startedAt, finishedAt: new Date().toISOString() };
}
