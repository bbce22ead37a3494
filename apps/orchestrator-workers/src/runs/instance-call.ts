/**
 * Lifecycle calls on a run's Workflow instance (pause, resume, terminate), with the engine's refusals
 * turned into the API's 409s.
 */
import { messageOf, OrchestratorError } from "../errors";

/** Calls the run's Workflow instance; a missing instance is a 409 unless it may be ignored. */
export async function instanceCall(
	env: Env,
	id: string,
	call: (instance: WorkflowInstance) => Promise<unknown>,
	options = { ignoreMissing: false },
) {
	let instance: WorkflowInstance;
	try {
		instance = await env.ORCHESTRATOR_WORKFLOW.get(id);
	} catch (error) {
		if (options.ignoreMissing) return;
		throw new OrchestratorError("conflict", `Run ${id} has no Workflow instance any more: ${messageOf(error)}`);
	}
	try {
		await call(instance);
	} catch (error) {
		throw new OrchestratorError("conflict", `The Workflow refused: ${messageOf(error)}`, { cause: error });
	}
}
