/**
 * The budget gate every model call of a budgeted run passes before it starts (model-call.ts calls
 * it): it reserves the call's input estimate plus its maximum output tokens, or refuses the call with
 * `budget-exceeded`. So spending never passes the budget by more than the error of one input estimate.
 *
 * The step attempt a call belongs to is known where the step runs (`CallSteps.runAttempt` in workflows/call-steps.ts), not where
 * the call is made, so it travels in AsyncLocalStorage like the trace context: parallel steps of a
 * wave each see their own. Outside a scope (no budget, or not in a step) the gate lets calls through.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { BuiltPrompt } from "@ow/prompts";
import { OrchestratorError } from "../errors";
import type { PriceTable } from "../metrics/cost";
import { appendEvent } from "../registry/event-log";
import { budgetStoppedStatement, readBudget, reserveBudget, type Reservation } from "./budget-ledger";
import { estimateInputTokens } from "./input-estimate";

/** What the gate needs of the run; one per run, shared by its steps. */
export interface BudgetPolicy {
	db: D1Database;
	runId: string;
	prices: PriceTable | null;
	/** True once a call was refused under `stop`: no new call starts after that. */
	stopped: () => boolean;
	/** `onBudgetExceeded` is "stop": a refusal stops the run's calls for good (durably, for replays too). */
	stopOnRefusal: boolean;
}

interface BudgetScope extends BudgetPolicy {
	step: string;
	attempt: number;
}

const current = new AsyncLocalStorage<BudgetScope>();

/** Runs a step attempt's body with the gate active for its model calls; without a policy, just runs it. */
export function inBudgetScope<T>(
	policy: BudgetPolicy | null,
	step: { name: string; attempt: number },
	work: () => Promise<T>,
): Promise<T> {
	return policy ? current.run({ ...policy, step: step.name, attempt: step.attempt }, work) : work();
}

/** What a call may cost in USD at most: its reservation at its model's prices; 0 without a price. */
export function reservationCostUsd(prices: PriceTable | null, modelId: string, input: number, output: number): number {
	const price = prices?.[modelId];
	return price ? (input * price.inputPerMTok + output * price.outputPerMTok) / 1_000_000 : 0;
}

/** Reserves what the call may spend, or throws `budget-exceeded` (never retried: a retry would not fit either). */
export async function passBudgetGate(call: { modelId: string; prompt: BuiltPrompt; maxOutputTokens: number }) {
	const scope = current.getStore();
	if (!scope) return;
	const input = estimateInputTokens(call.prompt);
	const reservation: Reservation = {
		step: scope.step,
		attempt: scope.attempt,
		tokens: input + call.maxOutputTokens,
		costUsd: reservationCostUsd(scope.prices, call.modelId, input, call.maxOutputTokens),
	};
	const at = new Date().toISOString();
	if (!scope.stopped() && (await reserveBudget(scope.db, scope.runId, reservation, scope.prices, at))) return;
	throw await refusal(scope, reservation, at);
}

/** The error of a refused call, told to live clients as `budget.exceeded` (best effort). */
async function refusal(scope: BudgetScope, reservation: Reservation, at: string): Promise<OrchestratorError> {
	const budget = await readBudget(scope.db, scope.runId, scope.prices).catch(() => null);
	const limits = [
		budget?.maxTokens != null ? `${budget.maxTokens} tokens` : null,
		budget?.maxCostUsd != null ? `$${budget.maxCostUsd}` : null,
	].filter((l) => l !== null);
	const message = scope.stopped()
		? `Step "${scope.step}" did not start: the run stopped when its budget ran out.`
		: `Step "${scope.step}" needs up to ${reservation.tokens} tokens, which do not fit the run's budget ` +
			`(${limits.join(", ")}; ${budget?.spentTokens ?? "?"} spent, ${budget?.reservedTokens ?? "?"} reserved by calls in flight).`;
	const event = { step: scope.step, attempt: scope.attempt, needed: reservation, budget, message };
	const appended = appendEvent(scope.db, {
		runId: scope.runId,
		key: `budget.exceeded:${scope.step}:${scope.attempt}`,
		type: "budget.exceeded",
		data: event,
		at,
	});
	// The stop mark matters (it keeps a replay from starting calls); the event is for live clients.
	const stop = scope.stopOnRefusal ? [budgetStoppedStatement(scope.db, scope.runId)] : [];
	await scope.db.batch([...stop, appended]).catch(() => undefined);
	return new OrchestratorError("budget-exceeded", message, { details: event });
}
