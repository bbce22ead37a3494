/**
 * A Workflow instance's steps as the local engine lists them (what Workflows bills per run), through
 * the explorer API of `wrangler dev` that `wrangler workflows instances describe --local` reads.
 */

/** One step as the engine lists it; `name` is the step's own name (the engine's "-<n>" suffix removed). */
export interface EngineStep {
	name: string;
	/** "step" for a `step.do`; "sleep", "waitForEvent" and the like otherwise. */
	type: string;
	success: boolean | null;
}

/** The steps of instance `id` of the Workflow named `workflow`, in the order they ran. */
export async function engineSteps(baseURL: string, workflow: string, id: string): Promise<EngineStep[]> {
	const res = await fetch(`${baseURL}/cdn-cgi/local/explorer/api/workflows/${workflow}/instances/${id}`);
	const body = (await res.json()) as { success: boolean; result?: { steps: EngineStep[] } };
	if (!body.success || !body.result)
		throw new Error(`the engine did not describe ${workflow} ${id}: ${JSON.stringify(body)}`);
	// The engine names a step "<name>-<n>": its n-th step of that name.
	return body.result.steps.map((s) => ({
		name: s.name.replace(/-\d+$/, ""),
		type: s.type,
		success: s.success ?? null,
	}));
}
