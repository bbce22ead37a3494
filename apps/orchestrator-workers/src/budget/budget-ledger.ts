/**
 * The SQL of run budgets (migration 0011). What a run spent is its usage ledger (`step_usage`) of the
 * current generation; what calls in flight may still spend is `budget_reservations`. A reservation
 * counts until the ledger has a row for its attempt, which is written in the same batch as the
 * attempt's outcome, so releasing one is that write and nothing else. A step keeps one reservation
 * row: its next attempt (a retry) replaces it, and an attempt that ended (step_attempts) no longer
 * counts, so an attempt that died without recording its usage does not hold the budget for ever.
 *
 * A restart (a new generation) starts the budget afresh, like the run's step attempts.
 */
import type { BudgetStatus } from "@ow/schemas";
import type { PriceTable } from "../metrics/cost";
import { NOT_TERMINAL } from "../registry/run-states";

const LIMIT_TOKENS = "COALESCE(r.max_tokens, json_extract(r.options, '$.budget.maxTokens'))";
const LIMIT_COST = "COALESCE(r.max_cost_usd, json_extract(r.options, '$.budget.maxCostUsd'))";

/** Tokens the current generation's ledger holds; a count the provider did not report adds 0. */
const SPENT_TOKENS = `(SELECT COALESCE(SUM(COALESCE(json_extract(u.usage, '$.inputTokens'), 0)
	+ COALESCE(json_extract(u.usage, '$.outputTokens'), 0)), 0)
	FROM step_usage u WHERE u.run_id = r.id AND u.generation = r.generation)`;

/** The same in USD at the prices of `?7` (a JSON price table); models without a price add 0. */
const SPENT_COST = `(SELECT COALESCE(SUM((COALESCE(json_extract(m.value, '$.inputTokens'), 0) * json_extract(p.value, '$.inputPerMTok')
	+ COALESCE(json_extract(m.value, '$.outputTokens'), 0) * json_extract(p.value, '$.outputPerMTok')) / 1000000.0), 0)
	FROM step_usage u, json_each(u.usage, '$.byModel') m JOIN json_each(?7) p ON p.key = m.key
	WHERE u.run_id = r.id AND u.generation = r.generation)`;

/** Models the ledger has usage of but `?7` has no price for. */
const UNPRICED = `(SELECT COUNT(*) FROM step_usage u, json_each(u.usage, '$.byModel') m
	WHERE u.run_id = r.id AND u.generation = r.generation AND m.key NOT IN (SELECT key FROM json_each(?7)))`;

/**
 * Reservations whose attempt has neither reported its usage nor ended (the timeline's record of the
 * attempt, written after it), other than step `?2`'s, which the caller replaces.
 */
const reserved = (column: "tokens" | "cost_usd") => `(SELECT COALESCE(SUM(b.${column}), 0) FROM budget_reservations b
	WHERE b.run_id = r.id AND b.generation = r.generation AND b.step <> ?2
	AND NOT EXISTS (SELECT 1 FROM step_usage u WHERE u.run_id = b.run_id AND u.generation = b.generation
		AND u.step = b.step AND u.attempt = b.attempt)
	AND NOT EXISTS (SELECT 1 FROM step_attempts a WHERE a.run_id = b.run_id AND a.generation = b.generation
		AND a.step = b.step AND a.attempt = b.attempt AND a.outcome <> 'running'))`;

/** Marks the run's current generation stopped by its budget: the gate refuses every later call. */
export function budgetStoppedStatement(db: D1Database, runId: string): D1PreparedStatement {
	return db.prepare("UPDATE runs SET budget_stopped_in = generation WHERE id = ?").bind(runId);
}

/** What one call may spend at most: its input estimate plus its maximum output. */
export interface Reservation {
	step: string;
	attempt: number;
	tokens: number;
	costUsd: number;
}

/**
 * Takes `reservation` if it fits the run's budget, in one statement: D1 runs one statement at a time,
 * so parallel calls cannot both take the last of a budget. True when it was taken.
 */
export async function reserveBudget(
	db: D1Database,
	runId: string,
	reservation: Reservation,
	prices: PriceTable | null,
	at: string,
): Promise<boolean> {
	const result = await db
		.prepare(
			`INSERT INTO budget_reservations (run_id, generation, step, attempt, tokens, cost_usd, at)
			 SELECT r.id, r.generation, ?2, ?3, ?4, ?5, ?6 FROM runs r
			 WHERE r.id = ?1 AND (r.budget_stopped_in IS NULL OR r.budget_stopped_in <> r.generation)
			 AND (${LIMIT_TOKENS} IS NULL OR ${SPENT_TOKENS} + ${reserved("tokens")} + ?4 <= ${LIMIT_TOKENS})
			 AND (${LIMIT_COST} IS NULL OR ${SPENT_COST} + ${reserved("cost_usd")} + ?5 <= ${LIMIT_COST})
			 ON CONFLICT (run_id, generation, step) DO UPDATE SET
			 attempt = excluded.attempt, tokens = excluded.tokens, cost_usd = excluded.cost_usd, at = excluded.at`,
		)
		.bind(
			runId,
			reservation.step,
			reservation.attempt,
			reservation.tokens,
			reservation.costUsd,
			at,
			JSON.stringify(prices ?? {}),
		)
		.run();
	return (result.meta.changes ?? 0) > 0;
}

interface BudgetRow {
	max_tokens: number | null;
	max_cost_usd: number | null;
	spent_tokens: number;
	spent_cost: number;
	unpriced: number;
	reserved_tokens: number;
}

/** The run's budget as `GET /:id` shows it; null when the run has no limit (or does not exist). */
export async function readBudget(
	db: D1Database,
	runId: string,
	prices: PriceTable | null,
): Promise<BudgetStatus | null> {
	const row = await db
		.prepare(
			`SELECT ${LIMIT_TOKENS} AS max_tokens, ${LIMIT_COST} AS max_cost_usd, ${SPENT_TOKENS} AS spent_tokens,
			 ${SPENT_COST} AS spent_cost, ${UNPRICED} AS unpriced, CASE WHEN ${NOT_TERMINAL} THEN ${reserved("tokens")} ELSE 0 END AS reserved_tokens
			 FROM runs r WHERE r.id = ?1 AND ?2 = ''`,
		)
		// ?2 is the step whose reservation the totals leave out: none here.
		.bind(runId, "", null, null, null, null, JSON.stringify(prices ?? {}))
		.first<BudgetRow>();
	if (!row || (row.max_tokens === null && row.max_cost_usd === null)) return null;
	return {
		maxTokens: row.max_tokens,
		maxCostUsd: row.max_cost_usd,
		spentTokens: row.spent_tokens,
		spentCostUsd: prices === null || row.unpriced > 0 ? null : Math.round(row.spent_cost * 1e8) / 1e8,
		reservedTokens: row.reserved_tokens,
	};
}
