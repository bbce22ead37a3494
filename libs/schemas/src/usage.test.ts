import { describe, expect, it } from "vitest";
import { addUsage, EMPTY_USAGE, usageSchema, type Usage } from "./usage";

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
