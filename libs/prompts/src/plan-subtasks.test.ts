import { describe, expect, it } from "vitest";
import { planSubtasksPrompt, repairPlanPrompt } from "./plan-subtasks";

const input = { prompt: "Compare the pricing of A and B.", maxSubtasks: 5 };

describe("planSubtasksPrompt", () => {
	it("should allow the browser executor when browsing is allowed", () => {
		expect(planSubtasksPrompt({ ...input, allowBrowser: true })).toMatchInlineSnapshot(`
			{
			  "instructions": "You are the planner of a task orchestrator. Break the user's request into independent subtasks
			that workers can carry out in parallel, then another model combines their results.

			Rules:
			- Use as few subtasks as the request needs. Never more than the limit you are given.
			- Each subtask has a unique kebab-case id, a short title and precise instructions a worker can follow
			  without seeing the other subtasks.
			- dependsOn lists ids of subtasks whose results this one needs. Prefer no dependencies; never create
			  cycles.
			- executor "llm": answered by a language model from its own knowledge and its dependencies' results.
			  url must be null.
			- For every subtask that is not an agentic browser subtask, agentic and allowedOrigins are null.
			- model: null runs the subtask on the small, fast model, which suits most subtasks. Set "big" only
			  for a subtask that needs the larger model: hard multi-step reasoning, careful long writing, or
			  subtle analysis. The big model costs more and is slower.
			- ensemble: null for almost every subtask. For an "llm" subtask whose answer is a judgement that
			  models often get wrong, {mode "vote", samples 3} asks it several times and keeps what they agree
			  on; {mode "debate", agents 2-4, maxRounds, consensusThreshold, stances} lets agents with distinct
			  stances argue it out. Fields of the other mode are null.
			- executor "browser": a worker opens the web page at url (http or https) and answers from its content.
			  Use it whenever the request names a URL or needs a live web page. One URL per subtask.
			  Set agentic to true only when the goal needs interaction with the page (filling a form, clicking
			  through, searching); the worker then acts step by step. allowedOrigins lists other sites it may
			  visit (usually null: it stays on the url's site).",
			  "prompt": "At most 5 subtasks.

			User request:
			Compare the pricing of A and B.",
			}
		`);
	});

	it("should restrict the plan to llm subtasks when browsing is not allowed", () => {
		expect(planSubtasksPrompt({ ...input, allowBrowser: false })).toMatchInlineSnapshot(`
			{
			  "instructions": "You are the planner of a task orchestrator. Break the user's request into independent subtasks
			that workers can carry out in parallel, then another model combines their results.

			Rules:
			- Use as few subtasks as the request needs. Never more than the limit you are given.
			- Each subtask has a unique kebab-case id, a short title and precise instructions a worker can follow
			  without seeing the other subtasks.
			- dependsOn lists ids of subtasks whose results this one needs. Prefer no dependencies; never create
			  cycles.
			- executor "llm": answered by a language model from its own knowledge and its dependencies' results.
			  url must be null.
			- For every subtask that is not an agentic browser subtask, agentic and allowedOrigins are null.
			- model: null runs the subtask on the small, fast model, which suits most subtasks. Set "big" only
			  for a subtask that needs the larger model: hard multi-step reasoning, careful long writing, or
			  subtle analysis. The big model costs more and is slower.
			- ensemble: null for almost every subtask. For an "llm" subtask whose answer is a judgement that
			  models often get wrong, {mode "vote", samples 3} asks it several times and keeps what they agree
			  on; {mode "debate", agents 2-4, maxRounds, consensusThreshold, stances} lets agents with distinct
			  stances argue it out. Fields of the other mode are null.
			- Browsing is disabled for this run: use only executor "llm".",
			  "prompt": "At most 5 subtasks.

			User request:
			Compare the pricing of A and B.",
			}
		`);
	});

	it("should differ between browsing modes only in the instructions", () => {
		expect(planSubtasksPrompt({ ...input, allowBrowser: true }).prompt).toBe(
			planSubtasksPrompt({ ...input, allowBrowser: false }).prompt,
		);
	});
});

describe("repairPlanPrompt", () => {
	const repair = {
		...input,
		allowBrowser: false,
		invalidPlan: '{"subtasks":[{"id":"a","dependsOn":["a"]}]}',
		problems: ["subtask a depends on itself", "subtask a has no title"],
	};

	it("should show the invalid plan and every problem", () => {
		expect(repairPlanPrompt(repair).prompt).toMatchInlineSnapshot(`
			"At most 5 subtasks.

			User request:
			Compare the pricing of A and B.

			Your previous plan was invalid:
			{"subtasks":[{"id":"a","dependsOn":["a"]}]}

			Problems:
			- subtask a depends on itself
			- subtask a has no title

			Return a corrected plan that fixes every problem."
		`);
	});

	it("should keep the planner's instructions", () => {
		expect(repairPlanPrompt(repair).instructions).toBe(planSubtasksPrompt(repair).instructions);
	});
});
