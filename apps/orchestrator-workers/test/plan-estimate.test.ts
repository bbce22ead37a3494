import { env } from "cloudflare:workers";
import { browserSubtask, llmSubtask } from "@ow/schemas/testing";
import { describe, expect, it } from "vitest";
import { planEstimate } from "../src/budget/plan-estimate";
import { readConfig } from "../src/config";

const config = readConfig(env);
const models = { big: "big", small: "small" };
const spent = {
	inputTokens: 100,
	outputTokens: 10,
	calls: 1,
	byModel: { big: { inputTokens: 100, outputTokens: 10, calls: 1 } },
};
const PRICES = { big: { inputPerMTok: 2, outputPerMTok: 4 }, small: { inputPerMTok: 1, outputPerMTok: 1 } };

describe("the plan's estimate", () => {
	it("should add what planning spent to each later call's input bound and output limit", () => {
		const one = planEstimate({ prompt: "p", plan: { subtasks: [llmSubtask("a")] }, spent }, config, models, null);
		const two = planEstimate(
			{ prompt: "p", plan: { subtasks: [llmSubtask("a"), llmSubtask("b", ["a"])] }, spent },
			config,
			models,
			null,
		);
		// One subtask call and the synthesis, each with its whole output limit, on top of the 110 spent.
		expect(one.tokens).toBeGreaterThan(110 + config.maxOutputTokens.subtask + config.maxOutputTokens.synthesise);
		// b's input may carry a's whole answer, and the synthesis both: two output limits more than that.
		expect(two.tokens - one.tokens).toBeGreaterThan(2 * config.maxOutputTokens.subtask);
		expect(one.costUsd).toBeNull();
	});

	it("should bound a page read by MAX_STEP_OUTPUT_CHARS and price the calls at their models' prices", () => {
		const llm = planEstimate({ prompt: "p", plan: { subtasks: [llmSubtask("a")] }, spent }, config, models, PRICES);
		const page = planEstimate(
			{ prompt: "p", plan: { subtasks: [browserSubtask("a", "https://example.com/")] }, spent },
			config,
			models,
			PRICES,
		);
		expect(page.tokens - llm.tokens).toBeGreaterThanOrEqual(Math.floor(config.maxStepOutputChars / 3));
		expect(llm.costUsd).toBeGreaterThan((100 * 2 + 10 * 4) / 1e6);
		expect(
			planEstimate({ prompt: "p", plan: { subtasks: [] }, spent }, config, models, { big: PRICES.big }).costUsd,
		).not.toBeNull();
		expect(
			planEstimate({ prompt: "p", plan: { subtasks: [llmSubtask("a")] }, spent }, config, models, { big: PRICES.big })
				.costUsd,
		).toBeNull();
	});

	it("should count an ensemble's calls: a vote's samples and grouping, a debate's every round and its judge", () => {
		const plan = { subtasks: [llmSubtask("a")] };
		const once = planEstimate({ prompt: "p", plan, spent }, config, models, null).tokens;
		const vote = planEstimate(
			{ prompt: "p", plan, spent, ensemble: { mode: "vote", samples: 3 } },
			config,
			models,
			null,
		);
		const debate = { mode: "debate" as const, agents: 2, maxRounds: 3, consensusThreshold: 1 };
		const debated = planEstimate({ prompt: "p", plan, spent, ensemble: debate }, config, models, null);
		const out = config.maxOutputTokens.subtask;
		// Two more samples and a grouping, each at least its output limit.
		expect(vote.tokens - once).toBeGreaterThan(3 * out);
		// Six answers and four big-model calls (three groupings, the judge) instead of one answer.
		expect(debated.tokens - once).toBeGreaterThan(9 * out);
		// The plan's own ensemble overrides the run's; a browser subtask is answered once.
		const planned = {
			mode: "vote" as const,
			samples: 2,
			agents: null,
			maxRounds: null,
			consensusThreshold: null,
			stances: null,
		};
		const own = planEstimate(
			{ prompt: "p", plan: { subtasks: [{ ...llmSubtask("a"), ensemble: planned }] }, spent, ensemble: debate },
			config,
			models,
			null,
		);
		expect(own.tokens).toBeLessThan(vote.tokens);
		const page = { subtasks: [browserSubtask("a", "https://example.com/")] };
		expect(planEstimate({ prompt: "p", plan: page, spent, ensemble: debate }, config, models, null).tokens).toBe(
			planEstimate({ prompt: "p", plan: page, spent }, config, models, null).tokens,
		);
	});
});
