import { describe, expect, it } from "vitest";
import { ensembleFromPlan, ensembleOptionsSchema } from "./ensemble";
import { runOptionsSchema } from "./run-request";

const problem = (value: unknown) => {
	const result = runOptionsSchema.safeParse({ ensemble: value });
	return result.success ? null : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
};

describe("ensembleOptionsSchema", () => {
	it("should accept a vote and a debate at their bounds", () => {
		for (const value of [
			{ mode: "vote", samples: 2 },
			{ mode: "vote", samples: 7 },
			{ mode: "debate", agents: 2, maxRounds: 1, consensusThreshold: 0 },
			{ mode: "debate", agents: 4, maxRounds: 4, consensusThreshold: 1, stances: ["a", "b"] },
		])
			expect(ensembleOptionsSchema.parse(value)).toEqual(value);
	});

	it.each([
		["one sample", { mode: "vote", samples: 1 }, /ensemble\.samples: .*>=2/],
		["eight samples", { mode: "vote", samples: 8 }, /ensemble\.samples: .*<=7/],
		["an unknown mode", { mode: "swarm", samples: 3 }, /ensemble\.mode: ensemble\.mode must be "vote" or "debate"/],
		[
			"a threshold above 1",
			{ mode: "debate", agents: 2, maxRounds: 2, consensusThreshold: 1.5 },
			/ensemble\.consensusThreshold: .*<=1/,
		],
		["five agents", { mode: "debate", agents: 5, maxRounds: 2, consensusThreshold: 1 }, /ensemble\.agents/],
		["a vote with debate fields", { mode: "vote", samples: 3, agents: 2 }, /agents/],
		[
			"more stances than agents",
			{ mode: "debate", agents: 2, maxRounds: 2, consensusThreshold: 1, stances: ["a", "b", "c"] },
			/ensemble\.stances: at most one stance per agent/,
		],
	])("should reject %s, naming the field", (_name, value, message) => {
		expect(problem(value)).toMatch(message);
	});
});

describe("ensembleFromPlan", () => {
	const planned = { samples: null, agents: null, maxRounds: null, consensusThreshold: null, stances: null };

	it("should turn the planner's vote and debate into options, defaulting what the debate left null", () => {
		expect(ensembleFromPlan({ ...planned, mode: "vote", samples: 3 })).toEqual({ mode: "vote", samples: 3 });
		expect(ensembleFromPlan({ ...planned, mode: "debate", agents: 3, stances: ["x"] })).toEqual({
			mode: "debate",
			agents: 3,
			maxRounds: 2,
			consensusThreshold: 1,
			stances: ["x"],
		});
	});

	it("should ignore no ensemble, and one missing the field its mode needs", () => {
		expect(ensembleFromPlan(null)).toBeNull();
		expect(ensembleFromPlan({ ...planned, mode: "vote" })).toBeNull();
		expect(ensembleFromPlan({ ...planned, mode: "debate" })).toBeNull();
	});
});
