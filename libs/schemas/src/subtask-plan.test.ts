import { describe, expect, it } from "vitest";
import { editedPlanSchema, planSchema, subtaskSchema } from "./subtask-plan";
import { browserSubtask, llmSubtask } from "./testing";

describe("subtaskSchema", () => {
	it.each(["a", "pricing-a", "0-first", "a".repeat(40)])("should accept the id %j", (id) => {
		expect(subtaskSchema.safeParse(llmSubtask(id)).success).toBe(true);
	});

	it.each(["", "-a", "Pricing", "with space", "under_score", "a".repeat(41), "ümlaut"])(
		"should reject the id %j",
		(id) => {
			expect(subtaskSchema.safeParse(llmSubtask(id)).success).toBe(false);
		},
	);

	it("should explain a bad id in its message", () => {
		const result = subtaskSchema.safeParse(llmSubtask("Bad Id"));
		expect(result.error?.issues[0]?.message).toBe("id must be 1-40 chars of a-z, 0-9 and '-'");
	});

	it("should reject an unknown executor", () => {
		expect(subtaskSchema.safeParse({ ...llmSubtask("a"), executor: "python" }).success).toBe(false);
	});

	it("should reject a missing url rather than treat it as null", () => {
		const { url: _url, ...withoutUrl } = llmSubtask("a");
		expect(subtaskSchema.safeParse(withoutUrl).success).toBe(false);
	});

	it("should reject empty instructions", () => {
		expect(subtaskSchema.safeParse(llmSubtask("a", [], "")).success).toBe(false);
	});

	it("should accept a browser subtask with a url", () => {
		expect(subtaskSchema.parse(browserSubtask("read", "https://example.com"))).toMatchObject({
			executor: "browser",
			url: "https://example.com",
		});
	});
});

describe("planSchema", () => {
	it("should reject a plan with no subtasks", () => {
		expect(planSchema.safeParse({ subtasks: [] }).success).toBe(false);
	});

	it("should accept a plan with one subtask", () => {
		expect(planSchema.safeParse({ subtasks: [llmSubtask("only")] }).success).toBe(true);
	});

	it("should reject a plan with one invalid subtask", () => {
		expect(planSchema.safeParse({ subtasks: [llmSubtask("ok"), llmSubtask("Not OK")] }).success).toBe(false);
	});
});

describe("a subtask's model", () => {
	it("should accept small, big or null, and nothing else", () => {
		for (const model of ["small", "big", null]) {
			expect(subtaskSchema.safeParse({ ...llmSubtask("a"), model }).success).toBe(true);
		}
		expect(subtaskSchema.safeParse({ ...llmSubtask("a"), model: "huge" }).success).toBe(false);
	});

	it("should be spelled out by the planner (strict structured output), but may be left out of an edited plan", () => {
		const { model: _model, ...withoutModel } = llmSubtask("a");
		expect(planSchema.safeParse({ subtasks: [withoutModel] }).success).toBe(false);
		expect(editedPlanSchema.parse({ subtasks: [withoutModel] }).subtasks[0]?.model).toBeNull();
		expect(editedPlanSchema.parse({ subtasks: [{ ...withoutModel, model: "big" }] }).subtasks[0]?.model).toBe("big");
	});
});
