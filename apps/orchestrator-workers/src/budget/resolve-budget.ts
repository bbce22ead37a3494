/**
 * A run's budget from its request and the deployment: `options.budget` within `MAX_RUN_MAX_TOKENS`,
 * else `DEFAULT_RUN_MAX_TOKENS`, else the ceiling itself (a deployment with a ceiling has no unlimited
 * runs). A cost limit needs a price for every model the run may call: without one the gate could not
 * tell what a call costs, so the request is refused rather than the limit quietly ignored.
 */
import type { OnBudgetExceeded, ResolvedRunBudget, RunBudget } from "@ow/schemas";
import type { OrchestratorConfig } from "../config";
import { OrchestratorError } from "../errors";
import type { PriceTable } from "../metrics/cost";

/** The deployment's prices and the models a run may call; read only when a cost limit is asked for. */
export interface Pricing {
	prices: PriceTable | null;
	models: string[];
}

export function resolveBudget(
	config: Pick<OrchestratorConfig, "defaultRunMaxTokens" | "maxRunMaxTokens">,
	options: { budget?: RunBudget; onBudgetExceeded?: OnBudgetExceeded },
	pricing: () => Pricing,
	where = "",
): { budget: ResolvedRunBudget; onBudgetExceeded: OnBudgetExceeded } {
	const asked = options.budget ?? {};
	checkTokenCeiling(config, asked.maxTokens, `${where}options.budget.maxTokens`);
	if (asked.maxCostUsd !== undefined) checkPriced(pricing(), `${where}options.budget.maxCostUsd`);
	return {
		budget: {
			maxTokens: asked.maxTokens ?? config.defaultRunMaxTokens ?? config.maxRunMaxTokens,
			maxCostUsd: asked.maxCostUsd ?? null,
		},
		onBudgetExceeded: options.onBudgetExceeded ?? "stop",
	};
}

/** 400 when a token limit is above the deployment's ceiling. */
export function checkTokenCeiling(
	config: Pick<OrchestratorConfig, "maxRunMaxTokens">,
	maxTokens: number | undefined,
	path: string,
): void {
	const ceiling = config.maxRunMaxTokens;
	if (maxTokens === undefined || ceiling === null || maxTokens <= ceiling) return;
	throw new OrchestratorError("invalid-request", `${path} must be at most ${ceiling} (MAX_RUN_MAX_TOKENS).`, {
		details: [{ path, message: `at most ${ceiling}` }],
	});
}

/** 400 naming the models MODEL_PRICES has no price for. */
export function checkPriced(pricing: Pricing, path: string): void {
	const missing = pricing.models.filter((model) => pricing.prices?.[model] === undefined);
	if (missing.length === 0) return;
	const names = [...new Set(missing)].map((m) => `"${m}"`).join(", ");
	throw new OrchestratorError(
		"invalid-request",
		`${path} needs MODEL_PRICES to price every model the run may call; it has no price for ${names}.`,
		{ details: [{ path, message: `no price for ${names}` }] },
	);
}
