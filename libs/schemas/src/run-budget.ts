import { z } from "zod";

/**
 * A run's budget: the most its model calls may spend, in tokens (input plus output) and, with the
 * deployment's `MODEL_PRICES`, in USD. Every model call of the run must fit it before it starts.
 */
export const runBudgetSchema = z
	.object({
		maxTokens: z.int().min(1).optional(),
		maxCostUsd: z.number().positive().optional(),
	})
	.strict();
export type RunBudget = z.infer<typeof runBudgetSchema>;

/** What a run does when its next model call would not fit its budget. */
export const onBudgetExceededSchema = z
	.enum(["stop", "ask"])
	.describe(
		"stop: no new model call starts, the run ends errored with budget-exceeded; ask: the run waits for POST /:id/budget.",
	);
export type OnBudgetExceeded = z.infer<typeof onBudgetExceededSchema>;

/** The budget after defaults and deployment limits: null is no limit of that kind. */
export const resolvedRunBudgetSchema = z.object({
	maxTokens: z.int().min(1).nullable(),
	maxCostUsd: z.number().positive().nullable(),
});
export type ResolvedRunBudget = z.infer<typeof resolvedRunBudgetSchema>;

/**
 * Body of `POST /:id/budget`, and the payload of the Workflow's "budget-raise" event: new limits for
 * a run waiting for a larger budget. Each given limit must raise the current one.
 */
export const budgetRaiseSchema = runBudgetSchema.refine(
	(raise) => raise.maxTokens !== undefined || raise.maxCostUsd !== undefined,
	"give maxTokens, maxCostUsd or both",
);
export type BudgetRaise = z.infer<typeof budgetRaiseSchema>;

/** The event type a run waits for when its budget ran out and `onBudgetExceeded` is "ask". */
export const BUDGET_RAISE_EVENT = "budget-raise";

/** The budget as `GET /:id` shows it, live: limits, what was spent, and what calls in flight reserved. */
export const budgetStatusSchema = z.object({
	maxTokens: z.int().nullable(),
	maxCostUsd: z.number().nullable(),
	spentTokens: z.int().nonnegative(),
	/** Null without a price for every model the run used. */
	spentCostUsd: z.number().nullable(),
	/** Tokens held by calls that have started and not yet reported what they spent. */
	reservedTokens: z.int().nonnegative(),
});
export type BudgetStatus = z.infer<typeof budgetStatusSchema>;

/** What the plan may cost, at most, once it is known: what was spent so far plus each call's reservation. */
export const planEstimateSchema = z.object({
	tokens: z.int().nonnegative(),
	/** Null without prices for the run's models. */
	costUsd: z.number().nullable(),
});
export type PlanEstimate = z.infer<typeof planEstimateSchema>;
