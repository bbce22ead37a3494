/**
 * Makes the registry and the Workflow engine agree about one run. The registry is written from
 * inside steps, so it can fall behind the engine (an end outside a step, a write that failed for
 * good, a dev server killed mid-run); the engine is the truth about whether a run still moves:
 * - registry open, engine complete: the registry takes the instance's output (the result; usage is
 *   already in the registry, added by each step as it ended);
 * - registry open, engine errored or terminated: the run is errored with the engine's error;
 * - registry open, no instance: errored `instance-lost` (it can be restarted);
 * - registry open, engine running but its engine is gone: kicked with pause + resume, which makes
 *   the engine replay the run from its step cache (finished steps are not called again); a delayed
 *   run kicked this way sleeps on until its start time and keeps its status `scheduled`;
 * - registry ended, engine still running: the instance is terminated.
 */
import { synthesisSchema, type ErrorInfo, type RunState, type Synthesis } from "@ow/schemas";
import { markRunStatus, recordRunFinished, runStatusStatements } from "../registry/run-registry";
import { claimRunStatement } from "./engine-boot";
import { runStore } from "../registry/run-store";

/** What reconciling did to a run. */
export type RecoveryAction =
	| "kicked" // the engine was made to replay the run
	| "lost" // no instance: marked errored (instance-lost)
	| "completed" // the engine had finished: the registry took its output
	| "errored" // the engine had failed or was terminated: the registry took its error
	| "paused" // the engine had paused the run: so does the registry
	| "resumed" // the engine runs a run the registry calls paused: the registry follows
	| "terminated" // the registry had ended it: the engine's instance was terminated
	| "agreed" // nothing to do
	| "failed"; // the engine or the registry did not answer; the next sweep tries again

/** An open run as the sweep reads it from the registry. */
export interface OpenRun {
	id: string;
	status: RunState;
	plan_ms: number | null;
	execute_ms: number | null;
	synthesise_ms: number | null;
}

const ENGINE_OPEN = new Set<InstanceStatus["status"]>(["queued", "running", "waiting", "paused", "waitingForPause"]);

/** The run's instance and what the engine says of it; null when the engine has no such instance. */
async function engineView(
	env: Env,
	id: string,
): Promise<{ instance: WorkflowInstance; status: InstanceStatus } | null> {
	let instance: WorkflowInstance;
	try {
		instance = await env.ORCHESTRATOR_WORKFLOW.get(id);
	} catch (_error) {
		return null; // get() fails only for an unknown instance; a failing engine fails status() below
	}
	return { instance, status: await instance.status() };
}

/**
 * Reconciles a run the registry calls open. `mayKick`: its engine is gone (another boot, or no event
 * for RECOVERY_STALE_MS), so a run the engine calls running is kicked and a missing instance is lost;
 * otherwise only an ended instance is taken over.
 */
export async function reconcileOpenRun(env: Env, run: OpenRun, mayKick: boolean, at: string): Promise<RecoveryAction> {
	const view = await engineView(env, run.id);
	if (!view) {
		// A run seen before its instance exists is being created right now, unless its engine is gone.
		if (!mayKick) return "agreed";
		const lost = { code: "instance-lost", message: "The run's Workflow instance is gone; restart the run." };
		await finish(env, run, { status: "errored", error: lost }, at);
		return "lost";
	}
	const { instance, status } = view;
	switch (status.status) {
		case "complete":
			await finish(env, run, completion(status.output), at);
			return "completed";
		case "errored":
		case "terminated":
			await finish(env, run, { status: "errored", error: engineError(status) }, at);
			return "errored";
		case "paused":
			if (run.status === "paused") return "agreed";
			await markRunStatus(runStore(env, run.id), run.id, "paused", at, `:reconciled:${at}`);
			return "paused";
		case "queued":
		case "running":
		case "waiting":
			if (run.status === "paused") {
				// Resumed by someone whose registry write was lost (or by a kick racing this sweep): back to
				// what it was before the pause (the engine calls a run waiting for its approval "running").
				const store = runStore(env, run.id);
				await markRunStatus(store, run.id, await statusBeforePause(store, run.id), at, `:reconciled:${at}`);
				return "resumed";
			}
			if (!mayKick) return "agreed";
			await kick(instance);
			// An event, so the run does not look stale again before the replay has had its chance; and the
			// run is this boot's now, so this process does not take it for orphaned again.
			const store = runStore(env, run.id);
			await store.batch([
				...runStatusStatements(
					store,
					run.id,
					// A delayed run that is still asleep stays scheduled: the replay wakes it at its time.
					run.status === "waiting" || run.status === "scheduled" ? run.status : "running",
					at,
					`:recovered:${at}`,
				),
				claimRunStatement(store, run.id),
			]);
			return "kicked";
		default:
			return "agreed"; // waitingForPause, unknown: in motion, look again next sweep
	}
}

/** The run's last status other than paused, from its event log. */
async function statusBeforePause(db: D1Database, runId: string): Promise<RunState> {
	const row = await db
		.prepare(
			`SELECT json_extract(data, '$.status') AS status FROM events
			 WHERE run_id = ? AND type = 'run.status' AND json_extract(data, '$.status') IN ('running', 'waiting')
			 ORDER BY seq DESC LIMIT 1`,
		)
		.bind(runId)
		.first<{ status: RunState }>();
	return row?.status ?? "running";
}

/** Terminates the instance of a run the registry says has ended, if the engine still runs it. */
export async function reconcileEndedRun(env: Env, id: string): Promise<RecoveryAction> {
	const view = await engineView(env, id);
	if (!view || !ENGINE_OPEN.has(view.status.status)) return "agreed";
	await view.instance.terminate();
	return "terminated";
}

/**
 * Pause + resume. Resuming an instance that is still on its way to paused does nothing in the local
 * engine, so the pause is awaited (a few seconds at most: an engine that is gone has no step to
 * finish first) before the resume.
 */
async function kick(instance: WorkflowInstance): Promise<void> {
	await instance.pause();
	for (let i = 0; i < 50 && (await instance.status()).status === "waitingForPause"; i++) {
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	await instance.resume();
}

type Ending = { status: "complete"; result: Synthesis } | { status: "errored"; error: ErrorInfo };

/** What a complete instance's output says; an output the registry cannot use is an error instead. */
function completion(output: unknown): Ending {
	const result = synthesisSchema.safeParse(output);
	if (!result.success) {
		return {
			status: "errored",
			error: { code: "internal", message: "The Workflow completed without an answer the registry can read." },
		};
	}
	return { status: "complete", result: result.data };
}

/** The engine's error; the Workflow puts the run's error code in front of its message as `[code]`. */
function engineError(status: InstanceStatus): ErrorInfo {
	if (status.status === "terminated") return { code: "cancelled", message: "The run's Workflow was terminated." };
	const message = status.error?.message ?? "The run's Workflow failed.";
	const coded = /^\[([a-z][a-z0-9-]*)\] ([\s\S]*)$/.exec(message);
	return coded ? { code: coded[1]!, message: coded[2]! } : { code: "internal", message };
}

async function finish(env: Env, run: OpenRun, ending: Ending, at: string): Promise<void> {
	// The phases the registry saw finish keep their timings (the instance's output has none).
	const timings = { planMs: run.plan_ms, executeMs: run.execute_ms, synthesiseMs: run.synthesise_ms };
	await recordRunFinished(
		runStore(env, run.id),
		run.id,
		ending.status === "complete"
			? { status: "complete", result: ending.result, timings }
			: { status: "errored", error: ending.error, timings },
		at,
	);
}
