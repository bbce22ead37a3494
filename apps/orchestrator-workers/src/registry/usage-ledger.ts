/**
 * The run's usage ledger (migration 0006): one row per attempt of a model-calling step, written when
 * the attempt ends, failed attempts included. A run's usage is the sum of its rows, so it is true at
 * every moment: `GET /:id` shows it growing while the run runs, and a retried call is never forgotten.
 *
 * Rows are keyed by (run, generation, step, attempt) and inserted OR IGNOREd, so a replayed step or a
 * redone record write counts nothing twice.
 */
import { summariseAttempts, type AttemptUsage, type RunUsage } from "@ow/schemas";
import { appendEvent } from "./event-log";

/** Statements that add one attempt's spending to the run; batch them with the step's outcome. */
export function attemptUsageStatements(
	db: D1Database,
	runId: string,
	spent: AttemptUsage,
	at: string,
): D1PreparedStatement[] {
	return [
		db
			.prepare(
				`INSERT OR IGNORE INTO step_usage (run_id, generation, step, attempt, outcome, usage, unknown_calls, at)
				 SELECT ?1, generation, ?2, ?3, ?4, ?5, ?6, ?7 FROM runs WHERE id = ?1`,
			)
			.bind(runId, spent.step, spent.attempt, spent.outcome, JSON.stringify(spent.usage), spent.unknownCalls, at),
		appendEvent(db, {
			runId,
			key: `run.usage:${spent.step}:${spent.attempt}`,
			type: "run.usage",
			data: { ...spent },
			at,
		}),
	];
}

/** Records one attempt's spending on its own (a failed attempt has no outcome write to join). */
export async function recordAttemptUsage(db: D1Database, runId: string, spent: AttemptUsage, at: string) {
	await db.batch(attemptUsageStatements(db, runId, spent, at));
}

/** The query of a run's ledger, oldest first; read it with {@link runUsageOf}. */
export function usageRowsStatement(db: D1Database, runId: string): D1PreparedStatement {
	return db
		.prepare("SELECT step, attempt, outcome, usage, unknown_calls FROM step_usage WHERE run_id = ? ORDER BY rowid")
		.bind(runId);
}

export interface UsageRow {
	step: string;
	attempt: number;
	outcome: AttemptUsage["outcome"];
	usage: string;
	unknown_calls: number;
}

/** The run's usage from its ledger rows. */
export function runUsageOf(rows: readonly UsageRow[]): RunUsage {
	return summariseAttempts(
		rows.map((r) => ({
			step: r.step,
			attempt: r.attempt,
			outcome: r.outcome,
			usage: JSON.parse(r.usage),
			unknownCalls: r.unknown_calls,
		})),
	);
}
