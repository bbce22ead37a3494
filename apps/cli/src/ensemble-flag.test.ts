import { InvalidArgumentError } from "commander";
import { describe, expect, it } from "vitest";
import { parseEnsemble } from "./ensemble-flag";

describe("--ensemble", () => {
	it("should read a vote and a debate, defaulting a debate's rounds and threshold", () => {
		expect(parseEnsemble("vote:3")).toEqual({ mode: "vote", samples: 3 });
		expect(parseEnsemble("debate:3")).toEqual({ mode: "debate", agents: 3, maxRounds: 2, consensusThreshold: 1 });
		expect(parseEnsemble("debate:2:4:0.5")).toEqual({
			mode: "debate",
			agents: 2,
			maxRounds: 4,
			consensusThreshold: 0.5,
		});
	});

	it.each(["vote", "vote:x", "vote:3:2", "swarm:3", "debate:", "debate:2:3:1:4", ""])("should refuse %j", (value) => {
		expect(() => parseEnsemble(value)).toThrow(InvalidArgumentError);
	});
});
