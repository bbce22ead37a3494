/**
 * Types of the floor Worker, written by hand for the reason bench/one-step-baseline/types.ts gives:
 * `wrangler types` would declare a second global `Env`.
 */

export interface FloorParams {
	/** Carries the scenario id that routes the run's calls on the scripted model server. */
	prompt: string;
	/** Subtask steps in flight at once, as the product's MAX_PARALLEL. */
	maxParallel: number;
}

export interface FloorOutput {
	answer: string;
	/** When the synthesis step ended (epoch ms): the floor's end, as the registry's is the product's. */
	finishedAt: number;
}

export interface FloorEnv {
	FLOOR: Workflow<FloorParams>;
	/** The scripted model server's OpenAI-compatible base URL. */
	MODEL_BASE_URL: string;
}
