import { planSchema } from "@ow/schemas";
import { describe, expect, it } from "vitest";
import { demoPlan } from "./plan.ts";

describe("demoPlan", () => {
	it("should plan one browser subtask per URL in the request", () => {
		const plan = demoPlan({
			request: "Compare the pricing pages of https://a.example/pricing and http://b.example:8080/p?x=1, please.",
			maxSubtasks: 8,
			allowBrowser: true,
		});
		expect(plan.subtasks.map((s) => [s.id, s.executor, s.url, s.dependsOn])).toEqual([
			["page-1", "browser", "https://a.example/pricing", []],
			["page-2", "browser", "http://b.example:8080/p?x=1", []],
		]);
		expect(plan.subtasks[0]!.instructions).toContain("Compare the pricing pages");
		expect(planSchema.safeParse(plan).success).toBe(true);
	});

	it("should read each URL once and keep within maxSubtasks", () => {
		const request = "See http://a.test/1 and http://a.test/1 then http://b.test/2 and http://c.test/3";
		const plan = demoPlan({ request, maxSubtasks: 2, allowBrowser: true });
		expect(plan.subtasks.map((s) => s.url)).toEqual(["http://a.test/1", "http://b.test/2"]);
	});

	it("should plan model subtasks when browsing is not allowed", () => {
		const plan = demoPlan({ request: "Summarise https://a.test/ for me", maxSubtasks: 4, allowBrowser: false });
		expect(plan.subtasks.every((s) => s.executor === "llm" && s.url === null)).toBe(true);
		expect(plan.subtasks.length).toBeGreaterThanOrEqual(2);
	});

	it("should make two to four independent parts from the request's clauses", () => {
		const plan = demoPlan({
			request: "Explain how tides work, why the moon matters, what spring tides are, how storms change them and more",
			maxSubtasks: 16,
			allowBrowser: true,
		});
		expect(plan.subtasks.map((s) => s.id)).toEqual(["part-1", "part-2", "part-3", "part-4"]);
		expect(plan.subtasks.map((s) => s.title)).toEqual([
			"Explain how tides work",
			"Why the moon matters",
			"What spring tides are",
			"How storms change them",
		]);
		expect(plan.subtasks.every((s) => s.dependsOn.length === 0)).toBe(true);
	});

	it("should chain the subtasks in dependency waves when the request asks for steps", () => {
		const plan = demoPlan({
			request: "First collect the facts about solar panels, then weigh their costs, finally recommend one",
			maxSubtasks: 16,
			allowBrowser: true,
		});
		expect(plan.subtasks.map((s) => [s.id, s.dependsOn])).toEqual([
			["step-1", []],
			["step-2", ["step-1"]],
			["step-3", ["step-2"]],
		]);
		expect(plan.subtasks[1]!.title).toBe("Step 2: Weigh their costs");
		expect(planSchema.safeParse(plan).success).toBe(true);
	});

	it("should fall back to generic aspects for a one-clause request, and respect a limit of one", () => {
		const two = demoPlan({ request: "Tell me about otters", maxSubtasks: 16, allowBrowser: true });
		expect(two.subtasks.map((s) => s.title)).toEqual([
			"Key facts: Tell me about otters",
			"Context and background: Tell me about otters",
		]);
		const one = demoPlan({ request: "Tell me about otters", maxSubtasks: 1, allowBrowser: true });
		expect(one.subtasks).toHaveLength(1);
	});
});
