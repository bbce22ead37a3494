/**
 * The registry's record of step attempts (migration 0010): the timeline's rows. Written with the
 * step's own round trips where it can be (the start joins the cancel check's batch, a successful end
 * the outcome's), and otherwise after the step, best effort, so no step waits for it.
 */

/** The statement that records an attempt's start; batch it with the step's first write. */
export function attemptStartStatement(
	db: D1Database,
	runId: string,
	step: { name: string; attempt: number },
	at: string,
): D1PreparedStatement {
	return db
		.prepare(
			`INSERT OR REPLACE INTO step_attempts (run_id, generation, step, attempt, started_at, outcome)
			 SELECT ?1, generation, ?2, ?3, ?4, 'running' FROM runs WHERE id = ?1`,
		)
		.bind(runId, step.name, step.attempt, at);
}

/** How an attempt ended. */
export interface AttemptEnd {
	at: string;
	outcome: "succeeded" | "failed";
	errorCode?: string;
}

/** The statement that records how an attempt ended; batch it with the step's outcome when there is one. */
export function attemptEndStatement(
	db: D1Database,
	runId: string,
	step: { name: string; attempt: number },
	end: AttemptEnd,
): D1PreparedStatement {
	return db
		.prepare(
			`UPDATE step_attempts SET finished_at = ?4, outcome = ?5, error_code = ?6
			 WHERE run_id = ?1 AND step = ?2 AND attempt = ?3 AND generation = (SELECT generation FROM runs WHERE id = ?1)`,
		)
		.bind(runId, step.name, step.attempt, end.at, end.outcome, end.errorCode ?? null);
}

/** Records how an attempt ended, in a round trip of its own. */
export async function recordAttemptEnd(
	db: D1Database,
	runId: string,
	step: { name: string; attempt: number },
	end: AttemptEnd,
): Promise<void> {
	await attemptEndStatement(db, runId, step, end).run();
}

export interface AttemptRow {
	step: string;
	attempt: number;
	started_at: string;
	finished_at: string | null;
	outcome: "running" | "succeeded" | "failed";
	error_code: string | null;
}

/** The attempts of the run's current generation, in the order they started. */
export async function readAttempts(db: D1Database, runId: string): Promise<AttemptRow[]> {
	const { results } = await db
		.prepare(
			`SELECT step, attempt, started_at, finished_at, outcome, error_code FROM step_attempts
			 WHERE run_id = ?1 AND generation = (SELECT generation FROM runs WHERE id = ?1) ORDER BY started_at, step, attempt`,
		)
		.bind(runId)
		.all<AttemptRow>();
	return results;
}
