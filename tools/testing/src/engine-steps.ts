/**
 * A Workflow instance as the local engine describes it (its status, and its steps: what Workflows
 * bills per run), through the explorer API of `wrangler dev` that `wrangler workflows instances
 * describe --local` reads. It does not pass through the Worker, so reading it adds nothing to what a
 * measurement of the Worker counts.
 */

/** One step as the engine lists it; `name` is the step's own name (the engine's "-<n>" suffix removed). */
export interface EngineStep {
	name: string;
	/** "step" for a `step.do`; "sleep", "waitForEvent" and the like otherwise. */
	type: string;
	success: boolean | null;
}

interface Described {
	status: string;
	steps: EngineStep[];
}

/** The engine's description of instance `id` of the Workflow named `workflow`. */
async function describeInstance(baseURL: string, workflow: string, id: string): Promise<Described> {
	const res = await fetch(`${baseURL}/cdn-cgi/local/explorer/api/workflows/${workflow}/instances/${id}`);
	const body = (await res.json()) as { success: boolean; result?: Described };
	if (!body.success || !body.result) {
		throw new Error(`the engine did not describe ${workflow} ${id}: ${JSON.stringify(body)}`);
	}
	return body.result;
}

/** The steps of instance `id` of the Workflow named `workflow`, in the order they ran. */
export async function engineSteps(baseURL: string, workflow: string, id: string): Promise<EngineStep[]> {
	const { steps } = await describeInstance(baseURL, workflow, id);
	// The engine names a step "<name>-<n>": its n-th step of that name.
	return steps.map((s) => ({ name: s.name.replace(/-\d+$/, ""), type: s.type, success: s.success ?? null }));
}

/** The engine's status of instance `id` ("running", "complete", ...), read without the Worker's API. */
export async function engineStatus(baseURL: string, workflow: string, id: string): Promise<string> {
	return (await describeInstance(baseURL, workflow, id)).status;
}
