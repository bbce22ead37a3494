import { describe, expect, it } from "vitest";
import { budgetRaiseSchema, runBudgetSchema } from "./run-budget";
import { runOptionsSchema } from "./run-request";

describe("run budgets", () => {
	it.each([{ maxTokens: 0 }, { maxTokens: -5 }, { maxTokens: 1.5 }, { maxCostUsd: 0 }, { maxCostUsd: -0.01 }])(
		"should refuse %j",
		(budget) => {
			expect(runBudgetSchema.safeParse(budget).success).toBe(false);
		},
	);

	it("should take a positive token limit, a positive cost or both", () => {
		expect(runBudgetSchema.parse({ maxTokens: 1 })).toEqual({ maxTokens: 1 });
		expect(runBudgetSchema.parse({ maxTokens: 500, maxCostUsd: 0.02 })).toEqual({ maxTokens: 500, maxCostUsd: 0.02 });
	});

	it("should refuse a raise that names no limit, and unknown fields", () => {
		expect(budgetRaiseSchema.safeParse({}).success).toBe(false);
		expect(budgetRaiseSchema.safeParse({ maxTokens: 10, extra: 1 }).success).toBe(false);
		expect(budgetRaiseSchema.parse({ maxCostUsd: 1 })).toEqual({ maxCostUsd: 1 });
	});

	it("should accept the budget and its policy as run options", () => {
		const options = runOptionsSchema.parse({ budget: { maxTokens: 9 }, onBudgetExceeded: "ask" });
		expect(options).toEqual({ budget: { maxTokens: 9 }, onBudgetExceeded: "ask" });
		expect(runOptionsSchema.safeParse({ onBudgetExceeded: "pause" }).success).toBe(false);
	});
});
