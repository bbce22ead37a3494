import { describe, expect, it } from "vitest";
import { addUsage, EMPTY_USAGE, runUsageSchema, summariseAttempts, usageSchema, type Usage } from "./usage";

function usage(inputTokens: number | null, outputTokens: number | null, model = "big"): Usage {
	return { inputTokens, outputTokens, calls: 1, byModel: { [model]: { inputTokens, outputTokens, calls: 1 } } };
}

describe("addUsage", () => {
	it("should sum known token counts and calls", () => {
		const sum = addUsage(usage(10, 5), usage(3, 2));
		expect(sum).toMatchObject({ inputTokens: 13, outputTokens: 7, calls: 2 });
	});

	it("should make the input sum unknown when the left side is unknown", () => {
		expect(addUsage(usage(null, 5), usage(3, 2)).inputTokens).toBeNull();
	});

	it("should make the output sum unknown when the right side is unknown", () => {
		expect(addUsage(usage(10, 5), usage(3, null)).outputTokens).toBeNull();
	});

	it("should keep one count known when only the other is unknown", () => {
		expect(addUsage(usage(10, 5), usage(null, 2))).toMatchObject({ inputTokens: null, outputTokens: 7 });
	});

	it("should sum the entries of a model both sides used", () => {
		const sum = addUsage(usage(10, 5), usage(3, 2));
		expect(sum.byModel).toEqual({ big: { inputTokens: 13, outputTokens: 7, calls: 2 } });
	});

	it("should keep the entries of models only one side used", () => {
		const sum = addUsage(usage(10, 5, "big"), usage(3, 2, "small"));
		expect(sum.byModel).toEqual({
			big: { inputTokens: 10, outputTokens: 5, calls: 1 },
			small: { inputTokens: 3, outputTokens: 2, calls: 1 },
		});
	});

	it("should make a model's sum unknown when either side is unknown for it", () => {
		const sum = addUsage(usage(10, null), usage(3, 2));
		expect(sum.byModel["big"]).toEqual({ inputTokens: 13, outputTokens: null, calls: 2 });
	});

	it("should return the other side unchanged when adding EMPTY_USAGE", () => {
		expect(addUsage(EMPTY_USAGE, usage(3, 2))).toEqual(usage(3, 2));
	});

	it("should not modify its arguments", () => {
		const a = usage(10, 5);
		const b = usage(3, 2);
		addUsage(a, b);
		expect([a, b]).toEqual([usage(10, 5), usage(3, 2)]);
	});

	it("should return a usage that parses with usageSchema", () => {
		expect(usageSchema.safeParse(addUsage(usage(10, null), usage(3, 2, "small"))).success).toBe(true);
	});
});

describe("usageSchema", () => {
	it("should accept EMPTY_USAGE", () => {
		expect(usageSchema.safeParse(EMPTY_USAGE).success).toBe(true);
	});

	it("should reject a negative token count", () => {
		expect(usageSchema.safeParse(usage(-1, 0)).success).toBe(false);
	});
});

describe("summariseAttempts", () => {
	const attempt = (step: string, n: number, outcome: "succeeded" | "failed", u: Usage, unknownCalls = 0) => ({
		step,
		attempt: n,
		outcome,
		usage: u,
		unknownCalls,
	});
	const unknownCall = {
		inputTokens: 0,
		outputTokens: 0,
		calls: 1,
		byModel: { big: { inputTokens: 0, outputTokens: 0, calls: 1 } },
	};

	it("should be empty without attempts", () => {
		expect(summariseAttempts([])).toEqual({ ...EMPTY_USAGE, unknownCalls: 0, byStep: {} });
	});

	it("should count the tokens of failed attempts in the total, by model and by step", () => {
		const sum = summariseAttempts([
			attempt("plan", 1, "succeeded", usage(10, 5)),
			attempt("synthesise", 1, "failed", usage(7, 3)),
			attempt("synthesise", 2, "succeeded", usage(8, 4)),
		]);
		expect(sum).toMatchObject({ inputTokens: 25, outputTokens: 12, calls: 3, unknownCalls: 0 });
		expect(sum.byModel.big).toEqual({ inputTokens: 25, outputTokens: 12, calls: 3 });
		expect(sum.byStep?.synthesise).toMatchObject({ inputTokens: 15, outputTokens: 7, calls: 2 });
		expect(sum.byStep?.synthesise?.attempts).toEqual([
			{ attempt: 1, outcome: "failed", inputTokens: 7, outputTokens: 3, calls: 1, unknownCalls: 0 },
			{ attempt: 2, outcome: "succeeded", inputTokens: 8, outputTokens: 4, calls: 1, unknownCalls: 0 },
		]);
	});

	it("should count calls without usage as unknown, leaving the known tokens known", () => {
		const sum = summariseAttempts([
			attempt("subtask:a", 1, "failed", unknownCall, 1),
			attempt("subtask:a", 2, "succeeded", usage(4, 2)),
		]);
		expect(sum).toMatchObject({ inputTokens: 4, outputTokens: 2, calls: 2, unknownCalls: 1 });
		expect(sum.byStep?.["subtask:a"]).toMatchObject({ unknownCalls: 1, calls: 2 });
	});

	it("should return a usage that parses with runUsageSchema", () => {
		const sum = summariseAttempts([
			attempt("plan", 1, "failed", unknownCall, 1),
			attempt("plan", 2, "succeeded", usage(null, 2)),
		]);
		expect(runUsageSchema.safeParse(sum).success).toBe(true);
		expect(sum.inputTokens).toBeNull();
	});
});
