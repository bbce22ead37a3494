/**
 * Registry writes of lifecycle transitions asked for over HTTP: cancel and restart. Each is one batch,
 * so a transition is recorded whole or not at all.
 */
import type { RunState } from "@ow/schemas";
import { claimRunStatement } from "../runs/engine-boot";
import { appendEvent } from "./event-log";
import { NOT_TERMINAL } from "./run-states";

/**
 * Marks a run cancelled: the flag every model or browser step checks first, status terminated, open
 * subtasks skipped. Returns false when the run had already ended.
 */
export async function recordCancel(db: D1Database, runId: string, at: string): Promise<boolean> {
	const [update] = await db.batch([
		db
			.prepare(
				`UPDATE runs SET cancel_requested = 1, status = 'terminated', updated_at = ? WHERE id = ? AND ${NOT_TERMINAL}`,
			)
			.bind(at, runId),
		db
			.prepare(
				`UPDATE subtasks SET status = 'skipped', error_code = 'cancelled', error_message = 'the run was cancelled', finished_at = ?
				 WHERE run_id = ? AND status IN ('pending', 'running')`,
			)
			.bind(at, runId),
		appendEvent(db, {
			runId,
			key: "run.status:terminated",
			type: "run.status",
			data: { status: "terminated", cancelled: true },
			at,
		}),
	]);
	return (update?.meta.changes ?? 0) > 0;
}

/** What a step learns before its call: whether the run was cancelled. */
export interface RunGate {
	cancelled: boolean;
}

/**
 * The first round trip of a call step's attempt: reads the run's gate and, in the same batch, makes
 * the writes that announce the work about to start (the run or an attempt began) and claims the run
 * for this isolate's engine (see runs/engine-boot.ts). The announcing writes only touch an open run,
 * so a cancelled run gets none of them; the caller stops when the gate says cancelled.
 */
export async function readGateAndAnnounce(
	db: D1Database,
	runId: string,
	announce: D1PreparedStatement[],
): Promise<RunGate> {
	const [flags] = await db.batch<{ cancel_requested: number }>([
		db.prepare("SELECT cancel_requested FROM runs WHERE id = ?").bind(runId),
		...announce,
		claimRunStatement(db, runId),
	]);
	const row = flags?.results[0];
	return { cancelled: row?.cancel_requested === 1 };
}

/** Which part of a run a restart redoes. */
export type RestartScope = { from: "start" } | { from: "synthesise" } | { from: "subtask"; id: string };

/**
 * Prepares the registry for a restart: a new generation (so its events are new facts), the run back
 * to queued, and what the restart redoes cleared. Earlier events stay in the log.
 */
export async function recordRestart(
	db: D1Database,
	runId: string,
	scope: RestartScope,
	at: string,
	// A delayed run restarted from the start before its time sleeps again: it is scheduled, not queued.
	status: "queued" | "scheduled" = "queued",
): Promise<void> {
	const clearRun =
		scope.from === "start"
			? "plan = NULL, usage = NULL, plan_ms = NULL, execute_ms = NULL, synthesise_ms = NULL,"
			: "synthesise_ms = NULL,";
	const subtasks =
		scope.from === "start"
			? db.prepare("DELETE FROM subtasks WHERE run_id = ?").bind(runId)
			: scope.from === "subtask"
				? db
						.prepare(
							`UPDATE subtasks SET status = 'pending', error_code = NULL, error_message = NULL, finished_at = NULL
							 WHERE run_id = ? AND id = ?`,
						)
						.bind(runId, scope.id)
				: null;
	await db.batch([
		db
			.prepare(
				`UPDATE runs SET generation = generation + 1, status = ?, cancel_requested = 0, result = NULL,
				 error_code = NULL, error_message = NULL, ${clearRun} updated_at = ? WHERE id = ?`,
			)
			.bind(status, at, runId),
		...(subtasks ? [subtasks] : []),
		// Redoing a subtask redoes the steps after it, so subtasks skipped for its failure get their chance again.
		...(scope.from === "subtask"
			? [
					db
						.prepare(
							`UPDATE subtasks SET status = 'pending', error_code = NULL, error_message = NULL, finished_at = NULL
							 WHERE run_id = ? AND status = 'skipped'`,
						)
						.bind(runId),
				]
			: []),
		appendEvent(db, {
			runId,
			key: `run.status:${status}`,
			type: "run.status",
			data: { status: status satisfies RunState, restart: scope },
			at,
		}),
	]);
}
