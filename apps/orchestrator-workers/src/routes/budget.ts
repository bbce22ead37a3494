/**
 * `POST /:id/budget`: raises the budget of a run that waits for one (`onBudgetExceeded: "ask"`). The
 * new limits are written first, in one conditional update that only a run waiting for a budget
 * passes (so two raises at once cannot both be taken), then the Workflow is woken; the refused call
 * tries again against the new limits.
 */
import { operation } from "../openapi/operation";
import { zValidator } from "@hono/zod-validator";
import { Hono } from "hono";
import { BUDGET_RAISE_EVENT, budgetRaiseSchema, type BudgetRaise, type RunStatus } from "@ow/schemas";
import { checkPriced, checkTokenCeiling } from "../budget/resolve-budget";
import { budgetRaisedEvent } from "../budget/run-budget";
import { readConfig } from "../config";
import { messageOf, OrchestratorError } from "../errors";
import type { AppEnv } from "../http/app-env";
import { methodNotAllowed, validationHook } from "@ow/http-errors";
import { requireJson } from "../http/json-body";
import { readPriceTable } from "../metrics/cost";
import { modelIds } from "../models";
import { runStatusStatements } from "../registry/run-registry";
import { requireRun } from "../runs/run-state";
import { now } from "../workflows/run-context";
import { runIdParam } from "./run-id";
import { runStore } from "../registry/run-store";

export const budget = new Hono<AppEnv>()
	.post(
		"/:id/budget",
		operation({
			operationId: "raiseBudget",
			tag: "lifecycle",
			summary: "Raise the budget of a run waiting for one",
			description:
				'For runs started with `options.onBudgetExceeded: "ask"` whose next model call did not fit (status `waiting`, `waitingFor: "budget"`). Every limit given must raise the current one; the refused call then tries again. 409 when the run is not waiting for a budget.',
			body: "BudgetRaise",
			responses: { 202: { description: "The run, running again with its new budget.", body: "RunStatus" } },
			errors: [400, 404, 409],
		}),
		runIdParam,
		requireJson,
		zValidator("json", budgetRaiseSchema, validationHook),
		async (c) => {
			const { id } = c.req.valid("param");
			const raise = c.req.valid("json");
			const run = await requireRun(c.env, id);
			if (run.status !== "waiting" || run.waitingFor !== "budget") {
				const state = run.status === "waiting" ? `waiting for its ${run.waitingFor}` : run.status;
				throw new OrchestratorError("conflict", `Run ${id} is not waiting for a budget (it is ${state}).`, {
					details: { status: run.status, waitingFor: run.waitingFor },
				});
			}
			assertRaises(c.env, run, raise);
			const db = runStore(c.env, id);
			const at = now();
			const taken = await db
				.prepare(
					`UPDATE runs SET max_tokens = COALESCE(?2, max_tokens), max_cost_usd = COALESCE(?3, max_cost_usd),
				 waiting_for = NULL, status = 'running', updated_at = ?4
				 WHERE id = ?1 AND status = 'waiting' AND waiting_for = 'budget'`,
				)
				.bind(id, raise.maxTokens ?? null, raise.maxCostUsd ?? null, at)
				.run();
			if ((taken.meta.changes ?? 0) === 0) {
				throw new OrchestratorError("conflict", `Run ${id} stopped waiting for a budget meanwhile.`);
			}
			await db.batch([
				budgetRaisedEvent(db, id, { from: run.budget, to: raise }, at),
				...runStatusStatements(db, id, "running", at, `:raised:${Date.now()}`),
			]);
			try {
				const instance = await c.env.ORCHESTRATOR_WORKFLOW.get(id);
				await instance.sendEvent({ type: BUDGET_RAISE_EVENT, payload: raise });
			} catch (error) {
				// The run still waits: show it so, with the new limits (a retry of this request raises again).
				await db
					.prepare("UPDATE runs SET status = 'waiting', waiting_for = 'budget' WHERE id = ? AND status = 'running'")
					.bind(id)
					.run();
				throw new OrchestratorError("conflict", `The Workflow refused the raise: ${messageOf(error)}`, {
					cause: error,
				});
			}
			return c.json(await requireRun(c.env, id), 202);
		},
	)
	.all("/:id/budget", methodNotAllowed(["POST"]));

/** 400 unless every limit given raises the run's current one and stays within the deployment's limits. */
function assertRaises(env: Env, run: RunStatus, raise: BudgetRaise): void {
	const current = run.budget;
	const problems: string[] = [];
	if (raise.maxTokens !== undefined) {
		if (current?.maxTokens == null) problems.push("maxTokens: the run has no token limit to raise");
		else if (raise.maxTokens <= current.maxTokens)
			problems.push(`maxTokens must be above the current ${current.maxTokens}`);
		else checkTokenCeiling(readConfig(env), raise.maxTokens, "maxTokens");
	}
	if (raise.maxCostUsd !== undefined) {
		if (current?.maxCostUsd == null) problems.push("maxCostUsd: the run has no cost limit to raise");
		else if (raise.maxCostUsd <= current.maxCostUsd)
			problems.push(`maxCostUsd must be above the current ${current.maxCostUsd}`);
		else {
			const ids = modelIds(env);
			checkPriced({ prices: readPriceTable(env), models: [ids.big, ids.small] }, "maxCostUsd");
		}
	}
	if (problems.length === 0) return;
	throw new OrchestratorError("invalid-request", `The budget raise is invalid: ${problems.join("; ")}.`, {
		details: problems,
	});
}
