import { browserSubtask, llmSubtask } from "@ow/schemas/testing";
import { describe, expect, it } from "vitest";
import { dependencyWaves, validatePlan } from "../src/workflows/plan-validation";

const limits = { maxSubtasks: 16, allowBrowser: true };
const problemsOf = (subtasks: unknown[], l = limits) => {
	const check = validatePlan({ subtasks }, l);
	return check.ok ? [] : check.problems;
};

describe("validatePlan", () => {
	it("should accept a valid plan unchanged", () => {
		const plan = {
			subtasks: [llmSubtask("a"), browserSubtask("b", "https://example.com"), llmSubtask("c", ["a", "b"])],
		};
		expect(validatePlan(plan, limits)).toEqual({ ok: true, plan, clampedFrom: null });
	});

	it.each([
		["duplicate ids", [llmSubtask("a"), llmSubtask("a")], 'duplicate subtask id "a"'],
		["an unknown dependency", [llmSubtask("a", ["zzz"])], 'depends on unknown subtask "zzz"'],
		["a self-dependency", [llmSubtask("a", ["a"])], 'subtask "a" depends on itself'],
		[
			"a cycle",
			[llmSubtask("a", ["c"]), llmSubtask("b", ["a"]), llmSubtask("c", ["b"])],
			"dependency cycle: a -> c -> b -> a",
		],
		["a browser subtask without url", [{ ...browserSubtask("a", "x"), url: null }], 'browser subtask "a" has no url'],
		["a non-http url", [browserSubtask("a", "ftp://example.com/file")], "which is not http(s)"],
		["a javascript: url", [browserSubtask("a", "javascript:alert(1)")], "which is not http(s)"],
		["an id the schema refuses", [llmSubtask("Not An Id")], "subtasks.0.id"],
	])("should list %s as a problem", (_what, subtasks, problem) => {
		expect(problemsOf(subtasks).join("\n")).toContain(problem);
	});

	it("should refuse browser subtasks when the run does not allow the browser", () => {
		expect(problemsOf([browserSubtask("a", "https://example.com")], { ...limits, allowBrowser: false })).toEqual([
			'subtask "a" uses the browser, which this run does not allow',
		]);
	});

	it("should clamp to maxSubtasks keeping every kept subtask's dependencies", () => {
		const subtasks = [llmSubtask("late", ["a", "b"]), llmSubtask("a"), llmSubtask("b"), llmSubtask("c")];
		const check = validatePlan({ subtasks }, { ...limits, maxSubtasks: 2 });
		expect(check).toEqual({ ok: true, plan: { subtasks: [llmSubtask("a"), llmSubtask("b")] }, clampedFrom: 4 });
	});
});

describe("dependencyWaves", () => {
	it("should put every subtask after all of its dependencies", () => {
		const waves = dependencyWaves([
			llmSubtask("d", ["c"]),
			llmSubtask("c", ["a", "b"]),
			llmSubtask("a"),
			llmSubtask("b"),
		]);
		expect(waves.map((w) => w.map((t) => t.id))).toEqual([["a", "b"], ["c"], ["d"]]);
	});
});
