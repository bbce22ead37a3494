/**
 * Types of the floor Worker, written by hand for the reason bench/one-step-baseline/types.ts gives:
 * `wrangler types` would declare a second global `Env`.
 */

export interface FloorParams {
	/** Carries the scenario id that routes the run's calls on the scripted model server. */
	prompt: string;
	/** Subtask steps in flight at once, as the product's MAX_PARALLEL. */
	maxParallel: number;
	/**
	 * Run the wave as child Workflow instances (one per subtask, created together with `createBatch`,
	 * each reporting back with `sendEvent`) instead of steps of this one: the README's design for
	 * waves wider than a Worker's 6 outgoing connections. `maxParallel` then does not apply.
	 */
	children?: boolean;
}

/** A child of a floor run: one subtask's model call, reported to the parent as event `subtask-<index>`. */
export interface FloorChildParams {
	parentId: string;
	index: number;
	prompt: string;
}

export interface FloorOutput {
	answer: string;
	/** When the synthesis step ended (epoch ms): the floor's end, as the registry's is the product's. */
	finishedAt: number;
}

export interface FloorEnv {
	FLOOR: Workflow<FloorParams>;
	FLOOR_CHILD: Workflow<FloorChildParams>;
	/** The scripted model server's OpenAI-compatible base URL. */
	MODEL_BASE_URL: string;
}
