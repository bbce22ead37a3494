/**
 * Writes to the run registry (D1). Called from Workflow steps, which may run more than once, so every
 * write is idempotent: rows are upserted, terminal states are never overwritten, events are keyed.
 */
import type { SubtaskOutput, ErrorInfo, Plan, RunState, Synthesis, Timings, Usage, AgentStep } from "@ow/schemas";
import { appendEvent } from "./event-log";
import { NOT_TERMINAL } from "./run-states";

const SUBTASK_OPEN = "status IN ('pending', 'running')";

/**
 * Moves a run to a non-terminal status (running, waiting, paused …). `occurrence` tells apart
 * transitions that can happen more than once in a generation (pause, resume): the Workflow's own
 * transitions leave it out, so a replay writes nothing twice.
 */
export async function markRunStatus(
	db: D1Database,
	runId: string,
	status: RunState,
	at: string,
	occurrence = "",
): Promise<void> {
	await db.batch(runStatusStatements(db, runId, status, at, occurrence));
}

/** The statements of {@link markRunStatus}, to batch with other work. */
export function runStatusStatements(
	db: D1Database,
	runId: string,
	status: RunState,
	at: string,
	occurrence = "",
): D1PreparedStatement[] {
	const event = { runId, key: `run.status:${status}${occurrence}`, type: "run.status" as const, data: { status }, at };
	return [
		db.prepare(`UPDATE runs SET status = ?, updated_at = ? WHERE id = ? AND ${NOT_TERMINAL}`).bind(status, at, runId),
		appendEvent(db, event, { onlyWhileOpen: true }),
	];
}

/** Stores the validated plan and one pending row per subtask; `extra` joins the batch (usage). */
export async function recordPlan(
	db: D1Database,
	runId: string,
	plan: Plan,
	info: { clampedFrom: number | null; repaired: boolean; edited?: boolean },
	at: string,
	extra: D1PreparedStatement[] = [],
): Promise<void> {
	// An edited plan (approval) replaces the planned one: its subtasks are the ones that will run.
	const replace = info.edited ? [db.prepare("DELETE FROM subtasks WHERE run_id = ?").bind(runId)] : [];
	const subtasks = plan.subtasks.map((t, position) =>
		db
			.prepare(
				`INSERT OR IGNORE INTO subtasks (run_id, id, position, title, executor, url, depends_on, status)
				 VALUES (?, ?, ?, ?, ?, ?, ?, 'pending')`,
			)
			.bind(runId, t.id, position, t.title, t.executor, t.url, JSON.stringify(t.dependsOn)),
	);
	await db.batch([
		db.prepare(`UPDATE runs SET plan = ?, updated_at = ? WHERE id = ?`).bind(JSON.stringify(plan), at, runId),
		...replace,
		...subtasks,
		appendEvent(db, {
			runId,
			key: info.edited ? "plan.ready:edited" : "plan.ready",
			type: "plan.ready",
			data: { plan, ...info },
			at,
		}),
		...extra,
	]);
}

/** An attempt of a subtask began: statements to batch with the step's cancel check. */
export function attemptStartedStatements(
	db: D1Database,
	runId: string,
	id: string,
	attempt: number,
	at: string,
): D1PreparedStatement[] {
	return [
		db
			.prepare(
				`UPDATE subtasks SET status = 'running', attempts = MAX(attempts, ?), started_at = COALESCE(started_at, ?),
				 progress = NULL, actions = NULL
				 WHERE run_id = ? AND id = ? AND ${SUBTASK_OPEN}`,
			)
			.bind(attempt, at, runId, id),
		appendEvent(
			db,
			{
				runId,
				key: `subtask.started:${id}:${attempt}`,
				type: "subtask.started",
				data: { id, attempt },
				at,
			},
			{ onlyWhileOpen: true },
		),
	];
}

/**
 * An agentic browser subtask took one more action. Its actions are kept as it goes, so a subtask that
 * fails (max iterations, a refused action) still shows what it did. Keyed by attempt and iteration.
 */
export async function recordAgentStep(
	db: D1Database,
	runId: string,
	id: string,
	attempt: number,
	step: AgentStep & { maxIterations: number },
	at: string,
) {
	const { maxIterations, ...taken } = step;
	const progress = { iteration: step.iteration, maxIterations };
	await db.batch([
		db
			.prepare(
				`UPDATE subtasks SET progress = ?, actions = json_insert(COALESCE(actions, '[]'), '$[#]', json(?))
				 WHERE run_id = ? AND id = ? AND status = 'running'
				 AND COALESCE(json_extract(progress, '$.iteration'), 0) < ?`,
			)
			.bind(JSON.stringify(progress), JSON.stringify(taken), runId, id, step.iteration),
		appendEvent(db, {
			runId,
			key: `subtask.progress:${id}:${attempt}:${step.iteration}`,
			type: "subtask.progress",
			data: { id, attempt, progress, action: taken.action, outcome: taken.outcome, detail: taken.detail },
			at,
		}),
	]);
}

/**
 * An attempt failed and the Workflow will try again. `step` names the subtask's step when it has more
 * than one (a browser subtask's "page"), so their attempts are told apart.
 */
export async function recordAttemptRetried(
	db: D1Database,
	runId: string,
	id: string,
	attempt: number,
	error: ErrorInfo,
	at: string,
	step?: string,
) {
	await appendEvent(db, {
		runId,
		key: step ? `subtask.retried:${id}:${step}:${attempt}` : `subtask.retried:${id}:${attempt}`,
		type: "subtask.retried",
		data: step ? { id, step, attempt, error } : { id, attempt, error },
		at,
	}).run();
}

/** How a subtask ended. */
export type SubtaskOutcome =
	| {
			status: "succeeded";
			output: string;
			truncated: boolean;
			usage: Usage;
			attempts: number;
			startedAt: string;
			finishedAt: string;
			source: SubtaskOutput["source"];
	  }
	| { status: "failed"; error: ErrorInfo; attempts: number; finishedAt: string }
	| { status: "skipped"; reason: string; finishedAt: string };

/** Records a subtask's final state; a subtask already final stays as it is. `extra` joins the batch. */
export async function recordSubtaskOutcome(
	db: D1Database,
	runId: string,
	id: string,
	outcome: SubtaskOutcome,
	extra: D1PreparedStatement[] = [],
) {
	const update =
		outcome.status === "succeeded"
			? db
					.prepare(
						`UPDATE subtasks SET status = 'succeeded', output = ?, truncated = ?, usage = ?, attempts = MAX(attempts, ?),
						 started_at = COALESCE(started_at, ?), finished_at = ?, error_code = NULL, error_message = NULL,
						 source_url = ?, source_title = ?, screenshot_key = ?
						 WHERE run_id = ? AND id = ? AND ${SUBTASK_OPEN}`,
					)
					.bind(
						outcome.output,
						outcome.truncated ? 1 : 0,
						JSON.stringify(outcome.usage),
						outcome.attempts,
						outcome.startedAt,
						outcome.finishedAt,
						outcome.source?.url ?? null,
						outcome.source?.title ?? null,
						outcome.source?.screenshotKey ?? null,
						runId,
						id,
					)
			: outcome.status === "failed"
				? db
						.prepare(
							`UPDATE subtasks SET status = 'failed', error_code = ?, error_message = ?, attempts = MAX(attempts, ?), finished_at = ?
							 WHERE run_id = ? AND id = ? AND ${SUBTASK_OPEN}`,
						)
						.bind(outcome.error.code, outcome.error.message, outcome.attempts, outcome.finishedAt, runId, id)
				: db
						.prepare(
							`UPDATE subtasks SET status = 'skipped', error_code = 'skipped', error_message = ?, finished_at = ?
							 WHERE run_id = ? AND id = ? AND ${SUBTASK_OPEN}`,
						)
						.bind(outcome.reason, outcome.finishedAt, runId, id);
	const data =
		outcome.status === "succeeded"
			? { id, attempts: outcome.attempts, truncated: outcome.truncated }
			: outcome.status === "failed"
				? { id, attempts: outcome.attempts, error: outcome.error }
				: { id, reason: outcome.reason };
	await db.batch([
		update,
		appendEvent(db, {
			runId,
			key: `subtask.${outcome.status}:${id}`,
			type: `subtask.${outcome.status}`,
			data,
			at: outcome.finishedAt,
		}),
		...extra,
	]);
}

/** How a run ended. Its usage is not here: the ledger has it (usage-ledger.ts). */
export type RunOutcome =
	| { status: "complete"; result: Synthesis; timings: Timings }
	| { status: "errored"; error: ErrorInfo; timings: Timings };

/**
 * Records the run's end; subtasks that never finished are marked skipped. `extra` joins the batch (the
 * synthesis's usage, so the run's usage and its end are written together).
 */
export async function recordRunFinished(
	db: D1Database,
	runId: string,
	outcome: RunOutcome,
	at: string,
	extra: D1PreparedStatement[] = [],
): Promise<void> {
	const result = outcome.status === "complete" ? JSON.stringify(outcome.result) : null;
	const error = outcome.status === "errored" ? outcome.error : null;
	await db.batch([
		// The usage goes in first: the run.completed event is the last one a client waits for.
		...extra,
		db
			.prepare(
				`UPDATE runs SET status = ?, result = ?, error_code = ?, error_message = ?,
				 plan_ms = ?, execute_ms = ?, synthesise_ms = ?, updated_at = ?
				 WHERE id = ? AND ${NOT_TERMINAL}`,
			)
			.bind(
				outcome.status,
				result,
				error?.code ?? null,
				error?.message ?? null,
				outcome.timings.planMs,
				outcome.timings.executeMs,
				outcome.timings.synthesiseMs,
				at,
				runId,
			),
		db
			.prepare(
				`UPDATE subtasks SET status = 'skipped', error_code = 'skipped', error_message = 'the run ended first', finished_at = ?
				 WHERE run_id = ? AND ${SUBTASK_OPEN}`,
			)
			.bind(at, runId),
		outcome.status === "complete"
			? appendEvent(db, {
					runId,
					key: "run.completed",
					type: "run.completed",
					data: { result: outcome.result },
					at,
				})
			: appendEvent(db, { runId, key: "run.errored", type: "run.errored", data: { error: outcome.error }, at }),
	]);
}
