/**
 * A vote (self-consistency): the subtask is answered `samples` times, each answer its own step
 * `subtask:<id>:sample:<k>` with its own seed and temperature, all in parallel; then the step
 * `subtask:<id>` groups them by agreement (asking the big model unless they agree word for word) and
 * writes the agreed answer as the subtask's output, with every sample kept. A failed sample is
 * retried alone, and a replay re-runs none that finished.
 */
import { runSubtaskPrompt } from "@ow/prompts";
import { addUsage, EMPTY_USAGE, type EnsembleOptions, type EnsembleStatus, type Usage } from "@ow/schemas";
import { recordSubtaskOutcome } from "../registry/run-registry";
import { ensembleStatement } from "../registry/ensemble-store";
import { groupsByText } from "./ensemble-agreement";
import {
	answerStep,
	firstStart,
	groupAnswers,
	lastFinish,
	scoreAnswers,
	settledAnswers,
	usageOfAnswers,
	type EnsembleContext,
	type Grouping,
} from "./ensemble-steps";
import type { Sampling } from "./model-call";
import { now, STEP, type SubtaskStepResult } from "./run-context";
import { stepConfig } from "./step-policy";

/**
 * Each sample's sampling: a seed of its own and a temperature that rises a little per sample, so the
 * answers are independent draws rather than one answer repeated.
 */
export function samplingOf(k: number): Sampling {
	return { seed: k, temperature: Math.min(1.2, Math.round((0.6 + 0.1 * (k - 1)) * 10) / 10) };
}

/** What the compare step returns: the subtask's result, and what its own grouping call spent. */
type VoteDone = SubtaskStepResult & { ensemble: EnsembleStatus; callUsage: Usage };

export async function runVote(
	ctx: EnsembleContext,
	vote: Extract<EnsembleOptions, { mode: "vote" }>,
): Promise<SubtaskStepResult> {
	const { steps, run, task } = ctx;
	const prompt = runSubtaskPrompt({ request: run.prompt, subtask: task, dependencies: ctx.dependencies });
	const names = Array.from({ length: vote.samples }, (_, i) => i + 1);
	const answers = settledAnswers(
		await Promise.allSettled(
			names.map((k) =>
				answerStep(
					ctx,
					STEP.ensembleSample(task.id, k),
					prompt,
					{ mode: "vote", round: 1, index: k, stance: null },
					samplingOf(k),
				),
			),
		),
	);
	const db = steps.db;
	const texts = answers.flatMap((a) => (a.text === null ? [] : [a.text]));
	const combine = (grouping: Grouping, attempts: number, finishedAt: string): VoteDone => {
		const scored = scoreAnswers(answers, grouping, []);
		return {
			output: scored.agreedText,
			truncated: answers.some((a) => a.done?.truncated === true && a.text === scored.agreedText),
			source: null,
			usage: addUsage(usageOfAnswers(answers), grouping.usage),
			callUsage: grouping.usage,
			attempts,
			startedAt: firstStart(answers),
			finishedAt,
			ensemble: { mode: "vote", agreement: scored.agreement, groupedBy: grouping.groupedBy, samples: scored.shown },
		};
	};
	const record = ({ ensemble, callUsage: _, ...d }: VoteDone, spent: D1PreparedStatement[]) =>
		recordSubtaskOutcome(db, run.id, task.id, { status: "succeeded", ...d }, [
			...spent,
			ensembleStatement(db, run.id, task.id, ensemble),
		]);
	let done: VoteDone;
	const byText = groupsByText(texts);
	if (byText.length <= 1) {
		// The samples agree word for word: no model call, so no call step (and none of its round trips),
		// only the outcome's write as the step `subtask:<id>`. Built from the samples' cached results
		// alone, it is the same on every replay.
		done = combine({ groups: byText, groupedBy: "text", usage: EMPTY_USAGE }, 1, lastFinish(answers));
		await steps.recordStep(run, STEP.subtask(task.id), () => record(done, []));
	} else {
		done = await steps.callAndRecord<VoteDone>(run, {
			name: STEP.subtask(task.id),
			config: stepConfig(run.config.subtask),
			body: async (c) => combine(await groupAnswers(run.models, ctx, texts), c.attempt, now()),
			usage: (d) => d.callUsage,
			recordStep: STEP.recordSubtask(task.id),
			record,
		});
	}
	const { ensemble: _e, callUsage: _c, ...result } = done;
	return result;
}
