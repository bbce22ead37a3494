/**
 * Plan approval: with `options.approvePlan` the run shows its plan with status `waiting` and waits
 * for `POST /:id/approve`. An approval may carry an edited plan, validated like a planned one.
 */
import { PLAN_APPROVAL_EVENT, type Plan, type PlanApproval } from "@ow/schemas";
import { OrchestratorError } from "../errors";
import { markRunStatus, recordPlan } from "../registry/run-registry";
import { now, STEP, type RecordSteps, type Run } from "./run-context";
import { validatePlan } from "./plan-validation";

/** Waits for the decision; returns the plan to execute or throws plan-rejected / approval-timeout. */
export async function awaitPlanApproval(steps: RecordSteps, run: Run, plan: Plan): Promise<Plan> {
	const db = steps.db;
	await steps.recordStep(run, STEP.recordWaitingForApproval, () => markRunStatus(db, run.id, "waiting", now()));
	let decision: PlanApproval;
	try {
		const event = await run.step.waitForEvent<PlanApproval>(STEP.approval, {
			type: PLAN_APPROVAL_EVENT,
			timeout: run.options.approvalTimeoutMinutes * 60_000,
		});
		decision = event.payload;
	} catch (error) {
		throw new OrchestratorError(
			"approval-timeout",
			`The plan was not approved within ${run.options.approvalTimeoutMinutes} minutes.`,
			{ cause: error },
		);
	}
	if (!decision.approved) {
		throw new OrchestratorError(
			"plan-rejected",
			`The plan was rejected${decision.reason ? `: ${decision.reason}` : "."}`,
		);
	}
	let approved = plan;
	if (decision.plan) {
		// The route validated it already; checking again keeps the Workflow safe from any other sender.
		const check = validatePlan(decision.plan, {
			maxSubtasks: run.options.maxSubtasks,
			allowBrowser: run.options.allowBrowser,
		});
		if (!check.ok)
			throw new OrchestratorError("plan-invalid", `The edited plan is invalid: ${check.problems.join("; ")}`);
		approved = check.plan;
	}
	const edited = approved !== plan;
	await steps.recordStep(run, STEP.recordApproved, async () => {
		if (edited) await recordPlan(db, run.id, approved, { clampedFrom: null, repaired: false, edited: true }, now());
		await markRunStatus(db, run.id, "running", now(), ":approved");
	});
	return approved;
}
