/**
 * The steps every ensemble is made of (ensemble-vote.ts, ensemble-debate.ts): one answer per step,
 * recorded like any call step (cancel gate, timeline row, budget, usage by step), and the grouping of
 * answers by agreement. An answer's step records its usage and the answer (shown while the subtask
 * runs); the subtask's outcome is written by the step that combines the answers.
 */
import { groupAnswersPrompt, type BuiltPrompt, type DependencyOutput } from "@ow/prompts";
import { addUsage, EMPTY_USAGE, type EnsembleAnswer, type ErrorInfo, type Subtask, type Usage } from "@ow/schemas";
import { z } from "zod";
import type { Models } from "../models";
import { liveAnswerStatement, type LiveAnswer } from "../registry/ensemble-store";
import { attemptStartedStatements } from "../registry/run-registry";
import type { CallSteps } from "./call-steps";
import { engineAbortIn } from "./engine-abort";
import { agreementOf, checkedGroups, groupsByText } from "./ensemble-agreement";
import { generateAnswer, generateStructured, type Sampling } from "./model-call";
import { now, type Run } from "./run-context";
import { fromStepError, stepConfig } from "./step-policy";
import { withRetryEvent } from "./subtask-retries";
import { textOf } from "./subtasks";

/** What one ensemble subtask's steps share. */
export interface EnsembleContext {
	steps: CallSteps;
	run: Run;
	task: Subtask;
	dependencies: DependencyOutput[];
}

/** An answer step's result (persisted by the platform, so plain data). */
export interface AnswerDone {
	text: string;
	truncated: boolean;
	usage: Usage;
	startedAt: string;
	finishedAt: string;
}

/**
 * One answer of an ensemble as its own step, `name`. It records its usage, and the answer itself in the
 * same batch so the status shows it at once (`at`: where it sits in the ensemble).
 */
export function answerStep(
	ctx: EnsembleContext,
	name: string,
	prompt: BuiltPrompt,
	at: Omit<LiveAnswer, "text">,
	sampling?: Sampling,
): Promise<AnswerDone> {
	const { steps, run, task } = ctx;
	const db = steps.db;
	return steps.callAndRecord(run, {
		name,
		config: stepConfig(run.config.subtask),
		announce: (c) => attemptStartedStatements(db, run.id, task.id, c.attempt, now()),
		body: (c) =>
			withRetryEvent(steps.env, run, task, { attempt: c.attempt, step: name }, async () => {
				const startedAt = now();
				const answer = await generateAnswer(run.models.call("subtask", prompt, task.model, sampling));
				const cut = textOf(answer.text, { maxOutputChars: run.config.maxStepOutputChars });
				return { text: cut.output, truncated: cut.truncated, usage: answer.usage, startedAt, finishedAt: now() };
			}),
		usage: (done) => done.usage,
		recordStep: `record:${name}`,
		record: async (done, spent) => {
			await db.batch([...spent, liveAnswerStatement(db, run.id, task.id, { ...at, text: done.text })]);
		},
	});
}

/** An answer as an ensemble keeps it: its text, or why its step failed for good. */
export type Settled = { text: string; done: AnswerDone; error: null } | { text: null; done: null; error: ErrorInfo };

/**
 * The answers of steps run in parallel. A failed answer is kept as dissent, except a pause (the
 * replay runs the step again) or a budget refusal (the subtask is skipped): those end the subtask, as
 * does every answer failing.
 */
export function settledAnswers(results: PromiseSettledResult<AnswerDone>[]): Settled[] {
	const answers = results.map((r): Settled => {
		if (r.status === "fulfilled") return { text: r.value.text, done: r.value, error: null };
		const abort = engineAbortIn(r.reason);
		if (abort) throw abort;
		const info = fromStepError(r.reason);
		if (info.code === "budget-exceeded") throw r.reason;
		return { text: null, done: null, error: info };
	});
	if (answers.every((a) => a.error))
		throw (results.find((r) => r.status === "rejected") as PromiseRejectedResult).reason;
	return answers;
}

/** How the answers grouped: indices into the answers given, how, and what the grouping call spent. */
export interface Grouping {
	groups: number[][];
	groupedBy: "text" | "model";
	usage: Usage;
}

const groupsSchema = z.object({
	groups: z.array(z.array(z.int())).describe("Groups of answer numbers (1-based) that agree."),
});

/**
 * Groups answers by agreement: identical normalised texts need no model; otherwise the big model
 * groups them. A grouping that is not a partition of the answers falls back to the texts' own.
 */
export async function groupAnswers(
	models: Models,
	task: Pick<EnsembleContext, "run" | "task">,
	texts: readonly string[],
): Promise<Grouping> {
	const byText = groupsByText(texts);
	if (byText.length <= 1) return { groups: byText, groupedBy: "text", usage: EMPTY_USAGE };
	const prompt = groupAnswersPrompt({ request: task.run.prompt, subtask: task.task, answers: texts });
	const answer = await generateStructured(models.call("subtask", prompt, "big"), groupsSchema);
	const checked = answer.ok ? checkedGroups(answer.value.groups, texts.length) : null;
	return checked
		? { groups: checked, groupedBy: "model", usage: answer.usage }
		: { groups: byText, groupedBy: "text", usage: answer.usage };
}

/**
 * The answers as the status shows them, and the agreement: the largest group over every answer asked
 * for (a failed one counts as dissent). `grouping` indexes the answers that have a text.
 */
export function scoreAnswers(
	answers: readonly Settled[],
	grouping: Pick<Grouping, "groups">,
	stances: readonly (string | null)[],
): { shown: EnsembleAnswer[]; agreement: number; agreedText: string } {
	const answered = answers.flatMap((a, i) => (a.text === null ? [] : [i]));
	const { agreed, agreement } = agreementOf(grouping.groups, answers.length);
	const agreedIndices = new Set(agreed.map((g) => answered[g]!));
	const shown = answers.map((a, i) => ({
		index: i + 1,
		stance: stances[i] ?? null,
		text: a.text,
		error: a.error,
		agreed: agreedIndices.has(i),
	}));
	return { shown, agreement, agreedText: answers[answered[agreed[0] ?? 0]!]?.text ?? "" };
}

/** Everything the answers' steps spent, for the subtask's own usage. */
export function usageOfAnswers(answers: readonly Settled[]): Usage {
	return answers.reduce((sum, a) => (a.done ? addUsage(sum, a.done.usage) : sum), EMPTY_USAGE);
}

/** When the first answer began. */
export function firstStart(answers: readonly Settled[]): string {
	return (
		answers
			.flatMap((a) => (a.done ? [a.done.startedAt] : []))
			.toSorted()
			.at(0) ?? now()
	);
}

/** When the last answer ended: a time every replay computes alike. */
export function lastFinish(answers: readonly Settled[]): string {
	return (
		answers
			.flatMap((a) => (a.done ? [a.done.finishedAt] : []))
			.toSorted()
			.at(-1) ?? now()
	);
}
