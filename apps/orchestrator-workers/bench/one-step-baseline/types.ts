/**
 * Types of the baseline Worker:
 *
 * - OneStepBaselineWorkflowParams: the Workflow's payload.
 * - BaselineEnv: its bindings, as `wrangler.jsonc` declares them, plus the variables the product's
 *   model and config code reads (the benchmark passes them as `--var`).
 *
 * `BaselineEnv` is written by hand, unlike the apps' generated `worker-configuration.d.ts`:
 * `wrangler types` declares the global `Env` and `Cloudflare.Env`, which would collide with the
 * orchestrator's generated declarations, and the product modules this Worker imports are
 * type-checked against those.
 */

export interface OneStepBaselineWorkflowParams {
	prompt: string;
}

export interface BaselineEnv {
	ONE_STEP_BASELINE: Workflow<OneStepBaselineWorkflowParams>;
	MODEL_PROVIDER?: string;
	MODEL_BASE_URL?: string;
	MODEL_API_KEY?: string;
	BIG_MODEL?: string;
	SMALL_MODEL?: string;
	/** Read by the product's `readConfig`: the retry limit and first retry delay of every step. */
	STEP_RETRY_LIMIT?: string;
	STEP_RETRY_DELAY_MS?: string;
}
