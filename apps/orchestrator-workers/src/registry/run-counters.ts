/**
 * The registry's counters, in SQL over its tables: runs by status, subtasks by executor and outcome,
 * phase and subtask durations, model calls and tokens. The same queries count D1 (the runs' rows, and
 * the rows of runs from before the run stores) and a run's own store (run-store-object.ts), whose
 * counters are folded into D1's `metric_totals` when the run ends (run-store-mirror.ts). The metrics
 * (metrics/registry-metrics.ts) render them.
 */

/** Upper bounds (seconds) of the step-duration histogram buckets; `+Inf` is implied. */
export const STEP_DURATION_BUCKETS = [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300] as const;

/** The `step` label values of `orchestrator_step_duration_seconds`. */
export const DURATION_STEPS = ["plan", "execute", "synthesise", "subtask"] as const;

const bucketColumns = STEP_DURATION_BUCKETS.map((le, i) => `SUM(ms <= ${Math.round(le * 1000)}) AS b${i}`).join(", ");

/**
 * The SQL conditions that limit the aggregates to some runs (the ones about to be deleted), or none.
 * `run` applies to the `runs` table, `subtask` to `subtasks`, `usage` to the usage ledger.
 */
interface RunFilter {
	run: string;
	subtask: string;
	usage: string;
	params: string[];
}
export const ALL_RUNS: RunFilter = { run: "", subtask: "", usage: "", params: [] };
/**
 * In a run's own store: its subtasks and usage. Its `runs` row is left out, because D1's copy of it
 * (mirrored) is the one counted.
 */
const RUN_STORE: RunFilter = { run: " AND false", subtask: "", usage: "", params: [] };

/**
 * A filter to the runs with these ids: numbered parameters, so the queries that repeat the filter
 * bind each id once (D1 binds at most 100 parameters).
 */
export function runsFilter(ids: readonly string[]): RunFilter {
	const list = ids.map((_id, i) => `?${i + 1}`).join(", ");
	return {
		run: ` AND runs.id IN (${list})`,
		subtask: ` AND subtasks.run_id IN (${list})`,
		usage: ` AND u.run_id IN (${list})`,
		params: [...ids],
	};
}

// Phase timings are stored in ms on the run; a subtask's is the span between its first start and its end.
const durationsSql = (f: RunFilter) => `
WITH durations(step, ms) AS (
	SELECT 'plan', plan_ms FROM runs WHERE plan_ms IS NOT NULL${f.run}
	UNION ALL SELECT 'execute', execute_ms FROM runs WHERE execute_ms IS NOT NULL${f.run}
	UNION ALL SELECT 'synthesise', synthesise_ms FROM runs WHERE synthesise_ms IS NOT NULL${f.run}
	UNION ALL SELECT 'subtask', MAX(0, (julianday(finished_at) - julianday(started_at)) * 86400000.0) FROM subtasks
		WHERE started_at IS NOT NULL AND finished_at IS NOT NULL${f.subtask}
)
SELECT step, COUNT(*) AS count, TOTAL(ms) AS sum_ms, ${bucketColumns}
FROM durations WHERE ms IS NOT NULL GROUP BY step`;

// From the usage ledger (one row per attempt of a model-calling step, failed ones included), so the
// counters move while runs run. json_extract gives SQL NULL for a JSON null (a count the provider did
// not report); TOTAL skips NULLs.
const modelUsageSql = (f: RunFilter) => `
SELECT m.key AS model,
	TOTAL(json_extract(m.value, '$.calls')) AS calls,
	TOTAL(json_extract(m.value, '$.inputTokens')) AS input_tokens,
	TOTAL(json_extract(m.value, '$.outputTokens')) AS output_tokens,
	SUM(json_extract(m.value, '$.inputTokens') IS NULL) + SUM(json_extract(m.value, '$.outputTokens') IS NULL) AS unknown,
	TOTAL(CASE WHEN u.unknown_calls > 0 THEN json_extract(m.value, '$.calls') ELSE 0 END) AS unknown_calls
FROM step_usage AS u, json_each(CASE WHEN json_valid(u.usage) THEN u.usage ELSE '{}' END, '$.byModel') AS m
WHERE true${f.usage}
GROUP BY m.key ORDER BY m.key`;

export interface StatusCount {
	status: string;
	n: number;
}
interface SubtaskCount {
	executor: string;
	status: string;
	n: number;
}
type DurationRow = { step: string; count: number; sum_ms: number } & Record<`b${number}`, number | null>;
interface ModelUsageRow {
	model: string;
	calls: number;
	input_tokens: number;
	output_tokens: number;
	unknown: number;
	unknown_calls: number;
}

/** Counter values by key (see migration 0008 for the keys), summed over some runs. */
export type Counters = Map<string, number>;

/** The aggregate queries over the runs `filter` selects; {@link countersOf} reads their results. */
export function aggregateStatements(db: D1Database, f: RunFilter): D1PreparedStatement[] {
	return [
		db.prepare(`SELECT status, COUNT(*) AS n FROM runs WHERE true${f.run} GROUP BY status`).bind(...f.params),
		db
			.prepare(`SELECT executor, status, COUNT(*) AS n FROM subtasks WHERE true${f.subtask} GROUP BY executor, status`)
			.bind(...f.params),
		db.prepare(durationsSql(f)).bind(...f.params),
		db.prepare(modelUsageSql(f)).bind(...f.params),
	];
}

/** The counters of the aggregate results, keyed as `metric_totals` keys them. */
export function countersOf(results: D1Result[]): Counters {
	const [runs, subtasks, durations, models] = results.map((r) => r.results ?? []) as [
		StatusCount[],
		SubtaskCount[],
		DurationRow[],
		ModelUsageRow[],
	];
	const counters: Counters = new Map();
	const add = (key: string, value: number) => counters.set(key, (counters.get(key) ?? 0) + value);
	add(
		"runs_created",
		runs.reduce((sum, r) => sum + r.n, 0),
	);
	for (const r of subtasks) add(`subtasks:${r.executor}:${r.status}`, r.n);
	for (const r of durations) {
		add(`duration:${r.step}:count`, r.count);
		add(`duration:${r.step}:sum_ms`, r.sum_ms);
		STEP_DURATION_BUCKETS.forEach((_le, i) => add(`duration:${r.step}:b${i}`, r[`b${i}`] ?? 0));
	}
	for (const r of models) {
		add(`model_calls:${r.model}`, r.calls);
		add(`model_input_tokens:${r.model}`, r.input_tokens);
		add(`model_output_tokens:${r.model}`, r.output_tokens);
		add(`model_tokens_unknown:${r.model}`, r.unknown);
		add(`model_calls_unknown:${r.model}`, r.unknown_calls);
	}
	return counters;
}

/**
 * The statements that keep the counts of runs about to be deleted: batch them before the deletes.
 * Reads the runs' counts first (their rows no longer change once they have ended).
 */
export async function foldIntoTotals(db: D1Database, runIds: readonly string[]): Promise<D1PreparedStatement[]> {
	if (runIds.length === 0) return [];
	const counters = countersOf(await db.batch(aggregateStatements(db, runsFilter(runIds))));
	counters.set("runs_deleted", runIds.length);
	return [...counters]
		.filter(([, value]) => value !== 0)
		.map(([key, value]) =>
			db
				.prepare(
					"INSERT INTO metric_totals (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = value + excluded.value",
				)
				.bind(key, value),
		);
}

/** What a run's subtasks and model calls add to the counters, from its own store (run-store-object.ts). */
export async function runCounters(store: D1Database): Promise<Counters> {
	return countersOf(await store.batch(aggregateStatements(store, RUN_STORE)));
}

/**
 * The statement that adds a run's counters to `metric_totals` once: `counters` less the ones folded
 * before (`previous`, as JSON, or null), only while D1's run still says `previous` was folded last. One
 * statement whatever the number of counters (they go in as one JSON object). Batch it before the write
 * that sets the run's `folded` to `counters`.
 */
export function foldRunStatement(
	db: D1Database,
	runId: string,
	previous: string | null,
	counters: string,
): D1PreparedStatement {
	const delta = subtract(countersFromJson(counters), countersFromJson(previous));
	const changed = Object.fromEntries([...delta].filter(([, value]) => value !== 0));
	return db
		.prepare(
			`INSERT INTO metric_totals (key, value)
			 SELECT d.key, d.value FROM json_each(?1) AS d WHERE EXISTS (SELECT 1 FROM runs WHERE id = ?2 AND folded IS ?3)
			 ON CONFLICT (key) DO UPDATE SET value = value + excluded.value`,
		)
		.bind(JSON.stringify(changed), runId, previous);
}

/** Counters as `metric_totals` fold them and D1 keeps them on a run (`folded`): one JSON object. */
export function countersToJson(counters: Counters): string {
	return JSON.stringify(Object.fromEntries(counters));
}

/** The counters of {@link countersToJson}; none for null (nothing folded yet). */
export function countersFromJson(json: string | null | undefined): Counters {
	return new Map(Object.entries(json ? (JSON.parse(json) as Record<string, number>) : {}));
}

export function subtract(a: Counters, b: Counters): Counters {
	const out: Counters = new Map(a);
	for (const [key, value] of b) out.set(key, (out.get(key) ?? 0) - value);
	return out;
}

export function addInto(into: Counters, from: Iterable<[string, number]>): void {
	for (const [key, value] of from) into.set(key, (into.get(key) ?? 0) + value);
}
