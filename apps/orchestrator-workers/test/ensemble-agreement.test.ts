import { describe, expect, it } from "vitest";
import { agreementOf, checkedGroups, groupsByText, normalise, roundShare } from "../src/workflows/ensemble-agreement";
import { samplingOf } from "../src/workflows/ensemble-vote";
import { stancesOf } from "../src/workflows/ensemble-debate";

describe("ensemble agreement", () => {
	it("should compare texts without case, surrounding or repeated whitespace, or a final full stop", () => {
		expect(normalise("  Paris\n is  the capital. ")).toBe("paris is the capital");
		expect(groupsByText(["Paris", "paris.", " Lyon", "PARIS "])).toEqual([[0, 1, 3], [2]]);
	});

	it("should accept a model's grouping only when it is a partition of the answers", () => {
		expect(checkedGroups([[3], [2, 1]], 3)).toEqual([[0, 1], [2]]);
		expect(checkedGroups([[1, 2], []], 3)).toBeNull(); // 3 missing
		expect(
			checkedGroups(
				[
					[1, 2],
					[2, 3],
				],
				3,
			),
		).toBeNull(); // 2 twice
		expect(checkedGroups([[1, 4]], 3)).toBeNull(); // out of range
	});

	it("should score the largest group over the answers asked for, earliest on a tie, rounded", () => {
		expect(agreementOf([[0, 1], [2]], 3)).toEqual({ agreed: [0, 1], agreement: 0.67 });
		expect(agreementOf([[0], [1]], 2)).toEqual({ agreed: [0], agreement: 0.5 });
		// A failed sample counts as dissent: two answered alike of three asked.
		expect(agreementOf([[0, 1]], 3).agreement).toBe(0.67);
		expect(roundShare(1 / 3)).toBe(0.33);
	});

	it("should give every sample its own seed and a rising temperature", () => {
		expect([1, 2, 3].map(samplingOf)).toEqual([
			{ seed: 1, temperature: 0.6 },
			{ seed: 2, temperature: 0.7 },
			{ seed: 3, temperature: 0.8 },
		]);
		expect(samplingOf(7).temperature).toBe(1.2);
	});

	it("should give debaters the stances they were given, then the defaults", () => {
		const stances = stancesOf({ mode: "debate", agents: 3, maxRounds: 2, consensusThreshold: 1, stances: ["a judge"] });
		expect(stances[0]).toBe("a judge");
		expect(new Set(stances).size).toBe(3);
	});
});
