/**
 * Whether a run can still produce events, for the streams that follow it.
 */
import type { RunState } from "@ow/schemas";
import { TERMINAL_RUN_STATES } from "../registry/run-states";
import { runStore } from "../registry/run-store";

/** The run's status in the registry, or null when there is no such run. */
export async function readRunState(db: D1Database, runId: string): Promise<RunState | null> {
	const row = await db.prepare("SELECT status FROM runs WHERE id = ?").bind(runId).first<{ status: RunState }>();
	return row?.status ?? null;
}

/**
 * True when the run has ended. The registry is written from steps, so a run cancelled outside a step
 * may still read as running there; the Workflow instance's status settles it.
 */
export async function isRunOver(env: Env, runId: string, store = runStore(env, runId)): Promise<boolean> {
	const state = await readRunState(store, runId);
	if (state === null || TERMINAL_RUN_STATES.includes(state)) return true;
	let instance: InstanceStatus;
	try {
		instance = await (await env.ORCHESTRATOR_WORKFLOW.get(runId)).status();
	} catch (_error) {
		return false; // no instance (yet, or in tests that seed the registry): the registry decides
	}
	return instance.status === "complete" || instance.status === "errored" || instance.status === "terminated";
}
