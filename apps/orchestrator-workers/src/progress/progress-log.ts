/**
 * The event log as clients see it: the run's events in seq order, with `data.progress` added to
 * subtask events so a client that joins late still knows how far the run has got.
 */
import type { ProgressEvent, ProgressEventType, RunState } from "@ow/schemas";
import { TERMINAL_RUN_STATES } from "../registry/run-states";

/**
 * True for an event after which the run writes nothing more (until a restart): run.completed,
 * run.errored, or a status change to a terminal state (a cancel writes `run.status` terminated).
 * A stream ends once it has delivered one.
 */
export function isTerminalEvent(event: ProgressEvent): boolean {
	if (event.type === "run.completed" || event.type === "run.errored") return true;
	return event.type === "run.status" && TERMINAL_RUN_STATES.includes(event.data.status as RunState);
}

/** How many events one read returns at most. */
export const PROGRESS_BATCH = 500;

/**
 * Subtasks finished (succeeded, failed or skipped) and planned, as of one event, counted from the
 * latest plan.ready before it (a restart or an edited plan starts the count again).
 */
export interface SubtaskProgress {
	done: number;
	/** Null until the plan is ready. */
	total: number | null;
}

interface ProgressRow {
	seq: number;
	type: ProgressEventType;
	data: string;
	at: string;
	done: number | null;
	total: number | null;
}

// One round trip: the counts are correlated subqueries over the (run_id, seq) index, and a run has
// a few hundred events at most. Distinct ids, so a fact written twice under two keys counts once.
const SELECT_PROGRESS = `
WITH page AS (
	SELECT e.seq, e.type, e.data, e.at,
		(SELECT MAX(p.seq) FROM events p WHERE p.run_id = e.run_id AND p.type = 'plan.ready' AND p.seq < e.seq) AS plan_seq
	FROM events e
	WHERE e.run_id = ?1 AND e.seq > ?2
	ORDER BY e.seq
	LIMIT ?3
)
SELECT page.seq, page.type, page.data, page.at,
	CASE WHEN page.type LIKE 'subtask.%' THEN (
		SELECT COUNT(DISTINCT json_extract(f.data, '$.id')) FROM events f
		WHERE f.run_id = ?1 AND f.seq > COALESCE(page.plan_seq, 0) AND f.seq <= page.seq
			AND f.type IN ('subtask.succeeded', 'subtask.failed', 'subtask.skipped')
	) END AS done,
	CASE WHEN page.type LIKE 'subtask.%' THEN (
		SELECT json_array_length(p.data, '$.plan.subtasks') FROM events p WHERE p.seq = page.plan_seq
	) END AS total
FROM page
ORDER BY page.seq`;

/**
 * The run's events after `afterSeq`, oldest first, at most `limit`. Subtask events carry
 * `data.progress` ({@link SubtaskProgress}); every other field is the log's own.
 */
export async function readProgressEvents(
	db: D1Database,
	runId: string,
	afterSeq: number,
	limit = PROGRESS_BATCH,
): Promise<ProgressEvent[]> {
	const { results } = await db.prepare(SELECT_PROGRESS).bind(runId, afterSeq, limit).all<ProgressRow>();
	return results.map((row) => {
		const data = JSON.parse(row.data) as Record<string, unknown>;
		const progress: SubtaskProgress | undefined =
			row.done === null ? undefined : { done: row.done, total: row.total ?? null };
		return {
			seq: row.seq,
			runId,
			type: row.type,
			at: row.at,
			data: progress ? { ...data, progress } : data,
		};
	});
}
