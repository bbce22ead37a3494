/**
 * The synthesise phase: in the step `synthesise` the big model combines the subtask results into
 * `{answer, references}`, and the same step records the run complete (`record:complete` redoes that
 * write if it failed). The answer streams as text to live clients while it is written; its references
 * come from the markers in it (see `synthesisFromText`), since Workers AI's JSON mode does not stream.
 */
import { synthesisFromText, synthesisePrompt, type SynthesisInput } from "@ow/prompts";
import type { Synthesis, Usage } from "@ow/schemas";
import { OrchestratorError } from "../errors";
import type { Models } from "../models";
import { openSynthesisRelay, type SynthesisRelay } from "../progress/synthesis-relay";
import { recordRunFinished } from "../registry/run-registry";
import type { CallSteps } from "./call-steps";
import { streamAnswer } from "./model-stream";
import { elapsedMs, now, STEP, type Run } from "./run-context";
import { stepConfig } from "./step-policy";

/** What the synthesise step returns (and the platform persists). */
type Synthesised = Awaited<ReturnType<typeof streamSynthesis>>;

/** Synthesises the run's answer from its subtask results and records the run complete. */
export async function synthesiseAnswer(steps: CallSteps, run: Run, results: SynthesisInput[]): Promise<Synthesis> {
	const answer = await steps.callAndRecord(run, {
		name: STEP.synthesise,
		config: stepConfig(run.config.synthesise),
		body: async () =>
			streamSynthesis(run.models, { request: run.prompt, results }, await openSynthesisRelay(steps.env, run.id)),
		usage: (done) => done.usage,
		recordStep: STEP.recordComplete,
		record: (done, spent) => recordRunFinished(steps.db, run.id, completeOutcome(run, done), now(), spent),
	});
	run.timings.synthesiseMs = completeOutcome(run, answer).timings.synthesiseMs;
	return answer.synthesis;
}

/** How a run that synthesised its answer ends; pure, so the step and the Workflow compute the same. */
function completeOutcome(run: Run, answer: Synthesised) {
	return {
		status: "complete" as const,
		result: answer.synthesis,
		timings: { ...run.timings, synthesiseMs: elapsedMs(answer.startedAt, answer.finishedAt) },
	};
}

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
