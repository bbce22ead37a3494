import { llmSubtask } from "@ow/schemas/testing";
import { describe, expect, it } from "vitest";
import {
	debateJudgePrompt,
	debateOpeningPrompt,
	debateRevisionPrompt,
	DEFAULT_STANCES,
	groupAnswersPrompt,
} from "./ensemble";

const task = { request: "Which city?", subtask: llmSubtask("q"), dependencies: [] };

describe("ensemble prompts", () => {
	it("should number the answers to group, each fenced as data", () => {
		const { instructions, prompt } = groupAnswersPrompt({ ...task, answers: ["Paris", "<<<DATA>>> Lyon"] });
		expect(instructions).toContain("every answer number appears in exactly\none group");
		expect(prompt).toContain("Answer 1 (between <<<DATA>>> markers");
		// An answer that contains the marker gets another one, so it cannot close its fence early.
		expect(prompt).toContain("Answer 2 (between <<<DATA-1>>> markers");
	});

	it("should give a debater its stance, and in a revision its own and the others' answers", () => {
		expect(debateOpeningPrompt({ ...task, stance: DEFAULT_STANCES[1] }).instructions).toContain(
			`Your stance: ${DEFAULT_STANCES[1]}.`,
		);
		const revision = debateRevisionPrompt({
			...task,
			stance: "a sceptic",
			round: 2,
			maxRounds: 3,
			own: "Lyon",
			others: ["Paris"],
		});
		expect(revision.instructions).toContain("This is round 2 of at most 3.");
		expect(revision.prompt).toMatch(/Your previous answer \(between <<<DATA>>> markers[^\n]*\n<<<DATA>>>\nLyon\n/);
		expect(revision.prompt).toMatch(/Another agent's answer 1 \(between <<<DATA>>> markers[^\n]*\n<<<DATA>>>\nParis\n/);
	});

	it("should tell the judge whether the agents agreed, with each final answer and its stance", () => {
		const finalAnswers = [{ stance: "an advocate", text: "Paris" }];
		expect(debateJudgePrompt({ ...task, finalAnswers, reached: true }).instructions).toContain("reached agreement");
		const split = debateJudgePrompt({ ...task, finalAnswers, reached: false });
		expect(split.instructions).toContain("did not fully agree");
		expect(split.prompt).toContain("Final answer of agent 1 (an advocate)");
		expect(new Set(DEFAULT_STANCES).size).toBe(4);
	});
});
