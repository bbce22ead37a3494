/**
 * Step bodies of planning: the big model drafts a plan; a plan that fails validation gets one repair
 * attempt in which the model sees its plan and the problems.
 */
import { planSubtasksPrompt, repairPlanPrompt, type BuiltPrompt, type PlanSubtasksInput } from "@ow/prompts";
import { planSchema, type Plan, type Usage } from "@ow/schemas";
import type { Models } from "../models";
import { generateStructured } from "./model-call";
import { validatePlan, type PlanCheck } from "./plan-validation";
import { truncateText } from "./truncate";

/** What a plan step returns (and the platform persists). */
export interface PlanAttempt {
	check: PlanCheck;
	/** The model's answer as text, kept for the repair prompt; short by construction. */
	raw: string;
	usage: Usage;
	startedAt: string;
	finishedAt: string;
}

/** The raw plan shown back to the model is cut well below the step limit. */
const RAW_PLAN_CHARS = 16_000;

/** Asks the big model for a plan and validates it. */
export function draftPlan(models: Models, input: PlanSubtasksInput): Promise<PlanAttempt> {
	return attempt(models, input, planSubtasksPrompt(input));
}

/** Shows the model its invalid plan and the problems, once, and validates the answer. */
export function repairPlan(models: Models, input: PlanSubtasksInput, previous: PlanAttempt): Promise<PlanAttempt> {
	const problems = previous.check.ok ? [] : previous.check.problems;
	return attempt(models, input, repairPlanPrompt({ ...input, invalidPlan: previous.raw, problems }));
}

async function attempt(models: Models, input: PlanSubtasksInput, prompt: BuiltPrompt): Promise<PlanAttempt> {
	const startedAt = new Date().toISOString();
	const answer = await generateStructured<Plan>(models.call("plan", prompt), planSchema);
	const limits = { maxSubtasks: input.maxSubtasks, allowBrowser: input.allowBrowser };
	const check: PlanCheck = answer.ok
		? validatePlan(answer.value, limits)
		: { ok: false, problems: [`the answer did not match the plan schema: ${answer.problem}`] };
	const raw = truncateText(answer.ok ? JSON.stringify(answer.value) : answer.text, RAW_PLAN_CHARS).text;
	return { check, raw, usage: answer.usage, startedAt, finishedAt: new Date().toISOString() };
}
