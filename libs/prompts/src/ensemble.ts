/**
 * Prompts of ensemble subtasks: the grouping of several answers by agreement (vote and debate), a
 * debater's answer and revision, and the judge that writes a debate's output. Earlier answers are
 * model output, so they are fenced as data.
 */
import type { Subtask } from "@ow/schemas";
import { fenceData } from "./fence";
import type { BuiltPrompt } from "./prompt-version";
import { runSubtaskPrompt, type DependencyOutput } from "./run-subtask";

/** What every ensemble prompt is about: the subtask and what it depends on. */
export interface EnsembleTask {
	request: string;
	subtask: Subtask;
	dependencies: DependencyOutput[];
}

/** Stances of debaters the plan did not describe, in order. */
export const DEFAULT_STANCES = [
	"an advocate who gives the most direct, well-supported answer",
	"a sceptic who questions every claim and looks for errors",
	"a pragmatist who weighs practical limits, costs and risks",
	"a contrarian who tests the strongest alternative answer",
] as const;

const answersSection = (answers: readonly string[], label: (i: number) => string) =>
	answers.map((text, i) => fenceData(label(i), text)).join("\n\n");

/** Asks the big model to group answers that agree (structured output: `{groups: number[][]}`). */
export function groupAnswersPrompt(input: {
	request: string;
	subtask: Subtask;
	answers: readonly string[];
}): BuiltPrompt {
	return {
		instructions: `You compare several answers to the same task. Put answers that reach the same conclusion
(the same facts, figures or recommendation, however worded) in one group; answers that disagree go in
different groups. Answer with groups of answer numbers (1-based); every answer number appears in exactly
one group.`,
		prompt: `Overall request (for context): ${input.request}

The task: ${input.subtask.title}
${input.subtask.instructions}

${answersSection(input.answers, (i) => `Answer ${i + 1}`)}`,
	};
}

/** A debater's first answer: the subtask's own prompt, argued from a stance. */
export function debateOpeningPrompt(task: EnsembleTask & { stance: string }): BuiltPrompt {
	const base = runSubtaskPrompt(task);
	return {
		instructions: `${base.instructions}
You take part in a debate. Your stance: ${task.stance}.`,
		prompt: base.prompt,
	};
}

/** A debater's revision: it sees its own last answer and the others', and answers again. */
export function debateRevisionPrompt(
	task: EnsembleTask & { stance: string; round: number; maxRounds: number; own: string; others: readonly string[] },
): BuiltPrompt {
	const base = runSubtaskPrompt(task);
	return {
		instructions: `${base.instructions}
You take part in a debate. Your stance: ${task.stance}.
This is round ${task.round} of at most ${task.maxRounds}. Read the other agents' answers, keep what holds
in yours, correct what they showed wrong, and answer with your revised result only.`,
		prompt: `${base.prompt}

${fenceData("Your previous answer", task.own)}

${answersSection(task.others, (i) => `Another agent's answer ${i + 1}`)}`,
	};
}

/** The judge (big model) writes the subtask's output from the debate's last round. */
export function debateJudgePrompt(
	task: EnsembleTask & { finalAnswers: readonly { stance: string; text: string }[]; reached: boolean },
): BuiltPrompt {
	const base = runSubtaskPrompt(task);
	return {
		instructions: `You are the judge of a debate between agents about one subtask. Write the subtask's result:
the answer the debate supports best, concise and factual, no preamble. ${
			task.reached
				? "The agents reached agreement."
				: "The agents did not fully agree: decide on the evidence, and say briefly where doubt remains."
		}`,
		prompt: `${base.prompt}

${task.finalAnswers.map((a, i) => fenceData(`Final answer of agent ${i + 1} (${a.stance})`, a.text)).join("\n\n")}`,
	};
}
