import type { BuiltPrompt } from "./prompt-version";

/** Input of the planner prompt. */
export interface PlanSubtasksInput {
	prompt: string;
	maxSubtasks: number;
	allowBrowser: boolean;
}

const PLANNER_INSTRUCTIONS = `You are the planner of a task orchestrator. Break the user's request into independent subtasks
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
  stances argue it out. Fields of the other mode are null.`;

const BROWSER_RULE = `- executor "browser": a worker opens the web page at url (http or https) and answers from its content.
  Use it whenever the request names a URL or needs a live web page. One URL per subtask.
  Set agentic to true only when the goal needs interaction with the page (filling a form, clicking
  through, searching); the worker then acts step by step. allowedOrigins lists other sites it may
  visit (usually null: it stays on the url's site).`;

const NO_BROWSER_RULE = `- Browsing is disabled for this run: use only executor "llm".`;

/** The planner prompt: the big model turns the user's request into a Plan. */
export function planSubtasksPrompt(input: PlanSubtasksInput): BuiltPrompt {
	return {
		instructions: `${PLANNER_INSTRUCTIONS}\n${input.allowBrowser ? BROWSER_RULE : NO_BROWSER_RULE}`,
		prompt: `At most ${input.maxSubtasks} subtasks.\n\nUser request:\n${input.prompt}`,
	};
}

/**
 * The repair prompt: shown when the first plan failed validation. The model sees its own plan and the
 * exact problems, and gets one chance to fix them.
 */
export function repairPlanPrompt(input: PlanSubtasksInput & { invalidPlan: string; problems: string[] }): BuiltPrompt {
	const first = planSubtasksPrompt(input);
	return {
		instructions: first.instructions,
		prompt: `${first.prompt}

Your previous plan was invalid:
${input.invalidPlan}

Problems:
${input.problems.map((p) => `- ${p}`).join("\n")}

Return a corrected plan that fixes every problem.`,
	};
}
