/**
 * What a run does when a model call does not fit its budget (`options.onBudgetExceeded`):
 * - `stop`: no new call starts (the gate refuses every later one), calls in flight finish, subtasks
 *   not started are skipped, and the run ends errored with `budget-exceeded`, keeping its results;
 * - `ask`: the run waits (status `waiting`, `waitingFor: "budget"`) for `POST /:id/budget`, then the
 *   refused step runs again. Parallel steps refused meanwhile share the one wait.
 */
import { BUDGET_RAISE_EVENT, type ResolvedRunOptions } from "@ow/schemas";
import { OrchestratorError } from "../errors";
import type { PriceTable } from "../metrics/cost";
import { appendEvent } from "../registry/event-log";
import { runStatusStatements } from "../registry/run-registry";
import { fromStepError } from "../workflows/step-policy";
import { now, type RecordSteps, type Run } from "../workflows/run-context";
import type { BudgetPolicy } from "./budget-gate";

/** Step names of a budget wait; `k` counts the run's waits, so a replay names them alike. */
export const BUDGET_STEP = {
	waiting: (k: number) => `record:budget-waiting:${k}`,
	raise: (k: number) => `budget-raise:${k}`,
	raised: (k: number) => `record:budget-raised:${k}`,
} as const;

export const SKIPPED_FOR_BUDGET = "the run's budget ran out before it started";

export class RunBudget {
	/** Set when a call was refused under `stop`. */
	stopped = false;
	/** The gate's policy; null when the run has no budget, so its calls skip the gate's round trip. */
	readonly policy: BudgetPolicy | null;
	private waits = 0;
	private pending: Promise<void> | null = null;

	constructor(
		private readonly steps: RecordSteps,
		private readonly options: ResolvedRunOptions,
		runId: string,
		prices: PriceTable | null,
	) {
		const budget = options.budget;
		const limited = budget !== undefined && (budget.maxTokens !== null || budget.maxCostUsd !== null);
		this.policy = limited
			? {
					db: steps.db,
					runId,
					prices,
					stopped: () => this.stopped,
					stopOnRefusal: options.onBudgetExceeded !== "ask",
				}
			: null;
	}

	/**
	 * Called with what a step threw: true when it was a budget refusal and the budget was raised (so
	 * the step should run again), false when the error is the step's to throw.
	 */
	async afterRefusal(run: Run, error: unknown): Promise<boolean> {
		if (fromStepError(error).code !== "budget-exceeded" || this.policy === null) return false;
		if (this.options.onBudgetExceeded !== "ask") {
			this.stopped = true;
			return false;
		}
		await (this.pending ??= this.waitForRaise(run).finally(() => (this.pending = null)));
		return true;
	}

	private async waitForRaise(run: Run): Promise<void> {
		const k = ++this.waits;
		const db = this.steps.db;
		await this.steps.recordStep(run, BUDGET_STEP.waiting(k), async () => {
			const at = now();
			await db.batch([
				...runStatusStatements(db, run.id, "waiting", at, `:budget:${k}`),
				db.prepare("UPDATE runs SET waiting_for = 'budget' WHERE id = ? AND status = 'waiting'").bind(run.id),
			]);
		});
		const minutes = this.options.approvalTimeoutMinutes;
		try {
			await run.step.waitForEvent(BUDGET_STEP.raise(k), { type: BUDGET_RAISE_EVENT, timeout: minutes * 60_000 });
		} catch (error) {
			this.stopped = true; // no raise came: the run ends as under "stop"
			throw new OrchestratorError("budget-exceeded", `The run's budget was not raised within ${minutes} minutes.`, {
				cause: error,
			});
		}
		// The route wrote the new limits before sending the event; this makes the run running again
		// even if the route's own status write was lost.
		await this.steps.recordStep(run, BUDGET_STEP.raised(k), () =>
			db
				.batch([
					db.prepare("UPDATE runs SET waiting_for = NULL WHERE id = ?").bind(run.id),
					...runStatusStatements(db, run.id, "running", now(), `:budget:${k}`),
				])
				.then(() => undefined),
		);
	}
}

/** The `budget.raised` event of a raise the API accepted; `key` tells raises apart. */
export function budgetRaisedEvent(db: D1Database, runId: string, data: Record<string, unknown>, at: string) {
	return appendEvent(db, { runId, key: `budget.raised:${Date.now()}`, type: "budget.raised", data, at });
}
