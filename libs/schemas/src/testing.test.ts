import { describe, expect, it } from "vitest";
import { subtaskSchema, planSchema } from "./subtask-plan";
import { synthesisSchema } from "./synthesis";
import { browserSubtask, llmSubtask, samplePlan, sampleSynthesis } from "./testing";

describe("@ow/schemas/testing fixtures", () => {
	it("should give a samplePlan that parses with planSchema", () => {
		expect(planSchema.parse(samplePlan)).toEqual(samplePlan);
	});

	it("should give a samplePlan whose dependencies name its own subtasks", () => {
		const ids = new Set(samplePlan.subtasks.map((s) => s.id));
		expect(samplePlan.subtasks.flatMap((s) => s.dependsOn).every((id) => ids.has(id))).toBe(true);
	});

	it("should build an llmSubtask that parses with subtaskSchema", () => {
		expect(subtaskSchema.parse(llmSubtask("a", ["b"]))).toEqual(llmSubtask("a", ["b"]));
	});

	it("should build a browserSubtask that parses with subtaskSchema", () => {
		const subtask = browserSubtask("read", "https://example.com", ["a"]);
		expect(subtaskSchema.parse(subtask)).toEqual(subtask);
	});

	it("should give a sampleSynthesis that parses with synthesisSchema", () => {
		expect(synthesisSchema.parse(sampleSynthesis)).toEqual(sampleSynthesis);
	});

	it("should give a sampleSynthesis that cites only samplePlan subtasks", () => {
		const ids = new Set(samplePlan.subtasks.map((s) => s.id));
		expect(sampleSynthesis.references.every((r) => r.subtaskId === null || ids.has(r.subtaskId))).toBe(true);
	});
});
