/**
 * The plan phase: the big model drafts a plan (step `plan`); a plan that fails validation gets one
 * repair attempt (step `plan:repair`) in which the model sees its plan and the problems.
 */
import { planSubtasksPrompt, repairPlanPrompt, type BuiltPrompt, type PlanSubtasksInput } from "@ow/prompts";
import { planSchema, type Plan, type Usage } from "@ow/schemas";
import { planEstimateStatement } from "../budget/plan-estimate";
import { OrchestratorError } from "../errors";
import type { Models } from "../models";
import { recordPlan, runStatusStatements } from "../registry/run-registry";
import type { CallSteps } from "./call-steps";
import { generateStructured } from "./model-call";
import { validatePlan, type PlanCheck } from "./plan-validation";
import { elapsedMs, now, STEP, type Run } from "./run-context";
import { stepConfig } from "./step-policy";
import { truncateText } from "./truncate";

/** Plans the run: a valid plan, after at most one repair, or a `plan-invalid` error. */
export async function makePlan(steps: CallSteps, run: Run): Promise<Plan> {
	const input = { prompt: run.prompt, maxSubtasks: run.options.maxSubtasks, allowBrowser: run.options.allowBrowser };
	const config = stepConfig(run.config.plan);
	const db = steps.db;
	// A valid plan is recorded by the step that made it; an invalid one by nobody (repair follows).
	const record = async (made: PlanAttempt, repaired: boolean, spent: D1PreparedStatement[]) => {
		if (made.check.ok) {
			const info = { clampedFrom: made.check.clampedFrom, repaired };
			const estimate = planEstimateStatement(steps.env, db, run, made.check.plan, made.usage);
			await recordPlan(db, run.id, made.check.plan, info, now(), [...spent, estimate]);
		} else if (spent.length > 0) {
			await db.batch(spent); // an invalid plan still cost its tokens
		}
	};
	const draft = await steps.callAndRecord(run, {
		name: STEP.plan,
		config,
		// The run is running from the moment its first step starts.
		announce: () => runStatusStatements(db, run.id, "running", now()),
		body: () => draftPlan(run.models, input),
		usage: (made) => made.usage,
		recordStep: STEP.recordPlan,
		record: (made, spent) => record(made, false, spent),
	});
	let final = draft;
	if (!draft.check.ok) {
		final = await steps.callAndRecord(run, {
			name: STEP.repairPlan,
			config,
			body: () => repairPlan(run.models, input, draft),
			usage: (made) => made.usage,
			recordStep: STEP.recordPlan,
			record: (made, spent) => record(made, true, spent),
		});
	}
	run.timings.planMs = elapsedMs(draft.startedAt, final.finishedAt);
	if (!final.check.ok) {
		throw new OrchestratorError(
			"plan-invalid",
			`The model's plan was still invalid after one repair attempt: ${final.check.problems.join("; ")}`,
		);
	}
	return final.check.plan;
}

/** What a plan step returns (and the platform persists). */
export interface PlanAttempt {
	check: PlanCheck;
	/**
	 * The model's answer as text, for the repair prompt; short by construction, and empty for a valid
	 * plan, which is in `check` already (a step's result is stored and replayed: nothing in it twice).
	 */
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
	const raw = check.ok ? "" : truncateText(answer.ok ? JSON.stringify(answer.value) : answer.text, RAW_PLAN_CHARS).text;
	return { check, raw, usage: answer.usage, startedAt, finishedAt: new Date().toISOString() };
}
