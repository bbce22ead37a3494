/**
 * A debate: `agents` with distinct stances answer the subtask (round 1, one step each,
 * `subtask:<id>:round:1:agent:<a>`), then, while their agreement is under `consensusThreshold` and
 * rounds remain, each sees the others' answers and revises (the next round's steps). After each round
 * the answers are grouped as a vote's are (a step `subtask:<id>:consensus:<r>` when that needs the
 * big model). Finally the judge step `subtask:<id>` (the big model) writes the subtask's output, and
 * the rounds are kept with it.
 */
import {
	debateJudgePrompt,
	debateOpeningPrompt,
	debateRevisionPrompt,
	DEFAULT_STANCES,
	type BuiltPrompt,
} from "@ow/prompts";
import { addUsage, EMPTY_USAGE, type EnsembleAnswer, type EnsembleOptions, type EnsembleStatus } from "@ow/schemas";
import type { Usage } from "@ow/schemas";
import { OrchestratorError } from "../errors";
import { ensembleStatement } from "../registry/ensemble-store";
import { recordSubtaskOutcome } from "../registry/run-registry";
import { groupsByText } from "./ensemble-agreement";
import {
	answerStep,
	firstStart,
	groupAnswers,
	scoreAnswers,
	settledAnswers,
	usageOfAnswers,
	type EnsembleContext,
	type Grouping,
	type Settled,
} from "./ensemble-steps";
import { generateAnswer } from "./model-call";
import { now, STEP, type SubtaskStepResult } from "./run-context";
import { stepConfig } from "./step-policy";
import { textOf } from "./subtasks";

type Debate = Extract<EnsembleOptions, { mode: "debate" }>;

/** The stance of each agent: the plan's (or caller's), then the defaults for the rest. */
export function stancesOf(debate: Debate): string[] {
	return Array.from({ length: debate.agents }, (_, i) => debate.stances?.[i] ?? DEFAULT_STANCES[i]!);
}

type JudgeDone = SubtaskStepResult & { ensemble: EnsembleStatus; callUsage: Usage };

export async function runDebate(ctx: EnsembleContext, debate: Debate): Promise<SubtaskStepResult> {
	const { steps, run, task } = ctx;
	const stances = stancesOf(debate);
	const base = { request: run.prompt, subtask: task, dependencies: ctx.dependencies };
	const rounds: Settled[][] = [];
	const shownRounds: EnsembleAnswer[][] = [];
	const roundAgreement: number[] = [];
	let spent = EMPTY_USAGE;
	let reached = false;
	for (let round = 1; round <= debate.maxRounds && !reached; round++) {
		const previous = rounds.at(-1);
		const promptOf = (agent: number): BuiltPrompt | null => {
			if (!previous) return debateOpeningPrompt({ ...base, stance: stances[agent]! });
			const own = previous[agent]!.text;
			if (own === null) return null; // an agent whose answer failed for good sits the rest out
			const others = previous.flatMap((a, i) => (i !== agent && a.text !== null ? [a.text] : []));
			return debateRevisionPrompt({
				...base,
				stance: stances[agent]!,
				round,
				maxRounds: debate.maxRounds,
				own,
				others,
			});
		};
		const answers = settledAnswers(
			await Promise.allSettled(
				stances.map((_, agent) => {
					const prompt = promptOf(agent);
					if (!prompt) {
						const why = previous![agent]!.error?.message ?? "its answer failed";
						return Promise.reject(
							new OrchestratorError("subtask-failed", `Agent ${agent + 1} left the debate: ${why}`),
						);
					}
					const at = { mode: "debate" as const, round, index: agent + 1, stance: stances[agent]! };
					return answerStep(ctx, STEP.debateAnswer(task.id, round, agent + 1), prompt, at);
				}),
			),
		);
		const grouping = await consensusOf(ctx, round, answers);
		spent = addUsage(addUsage(spent, usageOfAnswers(answers)), grouping.usage);
		const scored = scoreAnswers(answers, grouping, stances);
		rounds.push(answers);
		shownRounds.push(scored.shown);
		roundAgreement.push(scored.agreement);
		reached = scored.agreement >= debate.consensusThreshold;
	}
	const last = rounds.at(-1)!;
	const db = steps.db;
	const done = await steps.callAndRecord<JudgeDone>(run, {
		name: STEP.subtask(task.id),
		config: stepConfig(run.config.subtask),
		body: async (c) => {
			const finalAnswers = last.flatMap((a, i) => (a.text === null ? [] : [{ stance: stances[i]!, text: a.text }]));
			const prompt = debateJudgePrompt({ ...base, finalAnswers, reached });
			const answer = await generateAnswer(run.models.call("subtask", prompt, "big"));
			const cut = textOf(answer.text, { maxOutputChars: run.config.maxStepOutputChars });
			return {
				...cut,
				source: null,
				usage: addUsage(spent, answer.usage),
				callUsage: answer.usage,
				attempts: c.attempt,
				startedAt: firstStart(rounds[0]!),
				finishedAt: now(),
				ensemble: {
					mode: "debate",
					agreement: roundAgreement.at(-1)!,
					consensusThreshold: debate.consensusThreshold,
					reached,
					rounds: shownRounds,
					roundAgreement,
				},
			};
		},
		usage: (d) => d.callUsage,
		recordStep: STEP.recordSubtask(task.id),
		record: ({ ensemble, callUsage: _, ...d }, spentStatements) =>
			recordSubtaskOutcome(db, run.id, task.id, { status: "succeeded", ...d }, [
				...spentStatements,
				ensembleStatement(db, run.id, task.id, ensemble),
			]),
	});
	const { ensemble: _e, callUsage: _c, ...result } = done;
	return result;
}

/**
 * How a round's answers agree. Identical answers need no step; otherwise the big model groups them in
 * a step of its own, so a replay does not ask again.
 */
async function consensusOf(ctx: EnsembleContext, round: number, answers: readonly Settled[]): Promise<Grouping> {
	const texts = answers.flatMap((a) => (a.text === null ? [] : [a.text]));
	if (groupsByText(texts).length <= 1) return groupAnswers(ctx.run.models, ctx, texts);
	const name = STEP.debateConsensus(ctx.task.id, round);
	const db = ctx.steps.db;
	return ctx.steps.callAndRecord<Grouping>(ctx.run, {
		name,
		config: stepConfig(ctx.run.config.subtask),
		body: () => groupAnswers(ctx.run.models, ctx, texts),
		usage: (g) => g.usage,
		recordStep: `record:${name}`,
		record: async (_g, statements) => {
			if (statements.length > 0) await db.batch(statements);
		},
	});
}
