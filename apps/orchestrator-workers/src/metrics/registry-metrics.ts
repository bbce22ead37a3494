/**
 * Metrics computed from the D1 run registry at scrape time. A Worker keeps no process-wide counters
 * (isolates come and go), so the registry is the source of truth: every family below is an
 * aggregate over its `runs` and `subtasks` rows, computed in SQL in one batch, plus the totals that
 * deleted runs left in `metric_totals` (retention and purges fold a run's counts in there as they
 * delete it), so counters never go down when rows go away.
 *
 * A run restarted from the start forgets its subtasks, which Prometheus treats as a counter reset.
 */
import { executorSchema, runStateSchema, subtaskStateSchema } from "@ow/schemas";
import { histogramSamples, type MetricFamily, type Sample } from "./exposition";
import { NOT_TERMINAL } from "../registry/run-states";
import { runStore } from "../registry/run-store";

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
const ALL_RUNS: RunFilter = { run: "", subtask: "", usage: "", params: [] };
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

interface StatusCount {
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
function aggregateStatements(db: D1Database, f: RunFilter): D1PreparedStatement[] {
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
function countersOf(results: D1Result[]): Counters {
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
	const delta = subtract(
		new Map(Object.entries(JSON.parse(counters) as Record<string, number>)),
		previous === null ? new Map() : new Map(Object.entries(JSON.parse(previous) as Record<string, number>)),
	);
	const changed = Object.fromEntries([...delta].filter(([, value]) => value !== 0));
	return db
		.prepare(
			`INSERT INTO metric_totals (key, value)
			 SELECT d.key, d.value FROM json_each(?1) AS d WHERE EXISTS (SELECT 1 FROM runs WHERE id = ?2 AND folded IS ?3)
			 ON CONFLICT (key) DO UPDATE SET value = value + excluded.value`,
		)
		.bind(JSON.stringify(changed), runId, previous);
}

function subtract(a: Counters, b: Counters): Counters {
	const out: Counters = new Map(a);
	for (const [key, value] of b) out.set(key, (out.get(key) ?? 0) - value);
	return out;
}

function addInto(into: Counters, from: Iterable<[string, number]>): void {
	for (const [key, value] of from) into.set(key, (into.get(key) ?? 0) + value);
}

/**
 * The registry's metric families. Runs that ended are in D1 alone (their row, and their counters folded
 * into the totals); each run still going adds what its own store counts beyond what it folded last.
 * The stores are asked first and D1 after, with each live run's `folded` read in the same batch as the
 * totals: a run that ends in between is counted once, as of when its store answered.
 */
export async function registryFamilies(env: Env): Promise<MetricFamily[]> {
	const db = env.DB;
	const { results: live } = await db.prepare(`SELECT id FROM runs WHERE ${NOT_TERMINAL}`).all<{ id: string }>();
	const stores = await Promise.all(live.map(async ({ id }) => [id, await runCounters(runStore(env, id))] as const));
	const results = await db.batch([
		...aggregateStatements(db, ALL_RUNS),
		db.prepare("SELECT key, value FROM metric_totals"),
		db
			.prepare("SELECT id, folded FROM runs WHERE id IN (SELECT value FROM json_each(?))")
			.bind(JSON.stringify(live.map((r) => r.id))),
	]);
	const counters = countersOf(results.slice(0, 4));
	addInto(
		counters,
		((results[4]?.results ?? []) as { key: string; value: number }[]).map((r) => [r.key, r.value]),
	);
	const folded = new Map(
		((results[5]?.results ?? []) as { id: string; folded: string | null }[]).map((r) => [r.id, r.folded]),
	);
	for (const [id, own] of stores) {
		// Deleted meanwhile: it ended, and its counters are in the totals.
		if (!folded.has(id)) continue;
		const before = folded.get(id);
		addInto(
			counters,
			subtract(own, new Map(Object.entries(before ? (JSON.parse(before) as Record<string, number>) : {}))),
		);
	}
	return [
		...runFamilies((results[0]?.results ?? []) as StatusCount[], counters),
		subtaskFamily(counters),
		durationFamily(counters),
		...modelFamilies(counters),
	];
}

function runFamilies(rows: StatusCount[], counters: Counters): MetricFamily[] {
	const byStatus = new Map<string, number>(runStateSchema.options.map((s) => [s, 0]));
	for (const row of rows) byStatus.set(row.status, row.n);
	return [
		{
			name: "orchestrator_runs",
			help: "Runs in the registry by current status.",
			type: "gauge",
			samples: [...byStatus].map(([status, value]) => ({ labels: { status }, value })),
		},
		{
			name: "orchestrator_runs_created_total",
			help: "Runs ever created (in the registry, or deleted since).",
			type: "counter",
			samples: [{ value: counters.get("runs_created") ?? 0 }],
		},
		{
			name: "orchestrator_runs_deleted_total",
			help: "Finished runs deleted by retention (RUN_RETENTION_DAYS) or DELETE /:id?purge=true.",
			type: "counter",
			samples: [{ value: counters.get("runs_deleted") ?? 0 }],
		},
	];
}

function subtaskFamily(counters: Counters): MetricFamily {
	const samples: Sample[] = [];
	const executors = new Set<string>(executorSchema.options);
	for (const key of counters.keys()) if (key.startsWith("subtasks:")) executors.add(key.split(":")[1]!);
	for (const executor of executors) {
		for (const outcome of subtaskStateSchema.options) {
			samples.push({ labels: { executor, outcome }, value: counters.get(`subtasks:${executor}:${outcome}`) ?? 0 });
		}
	}
	return {
		name: "orchestrator_subtasks_total",
		help: "Subtasks of all runs by executor and outcome (the subtask's status: pending, running, succeeded, failed, skipped).",
		type: "counter",
		samples,
	};
}

function durationFamily(counters: Counters): MetricFamily {
	const name = "orchestrator_step_duration_seconds";
	const samples = DURATION_STEPS.flatMap((step) => {
		const get = (what: string) => counters.get(`duration:${step}:${what}`) ?? 0;
		const counts = STEP_DURATION_BUCKETS.map((_le, i) => get(`b${i}`));
		return histogramSamples(name, { step }, STEP_DURATION_BUCKETS, counts, get("sum_ms") / 1000, get("count"));
	});
	return {
		name,
		help: "Duration of run phases (plan, execute, synthesise; finished runs) and of subtasks (first start to end).",
		type: "histogram",
		samples,
	};
}

function modelFamilies(counters: Counters): MetricFamily[] {
	const byModel = (prefix: string) =>
		[...counters]
			.filter(([key]) => key.startsWith(prefix))
			.map(([key, value]) => ({ model: key.slice(prefix.length), value }))
			.toSorted((a, b) => a.model.localeCompare(b.model));
	return [
		{
			name: "orchestrator_model_calls_total",
			help: "Model calls by model, counted as each step attempt ends (failed attempts too).",
			type: "counter",
			samples: byModel("model_calls:").map((m) => ({ labels: { model: m.model }, value: m.value })),
		},
		{
			name: "orchestrator_model_tokens_total",
			help: "Tokens by model and kind (input, output), failed attempts included; counts the provider did not report are left out.",
			type: "counter",
			samples: byModel("model_calls:").flatMap((m) => [
				{ labels: { model: m.model, kind: "input" }, value: counters.get(`model_input_tokens:${m.model}`) ?? 0 },
				{ labels: { model: m.model, kind: "output" }, value: counters.get(`model_output_tokens:${m.model}`) ?? 0 },
			]),
		},
		{
			name: "orchestrator_model_tokens_unknown_total",
			help: "Token counts (input or output, per step attempt and model) the provider did not report, so not in orchestrator_model_tokens_total.",
			type: "counter",
			samples: byModel("model_calls:").map((m) => ({
				labels: { model: m.model },
				value: counters.get(`model_tokens_unknown:${m.model}`) ?? 0,
			})),
		},
		{
			name: "orchestrator_model_calls_unknown_total",
			help: "Model calls that failed without the provider reporting usage (500, timeout): billed or not, their tokens are unknown.",
			type: "counter",
			samples: byModel("model_calls:").map((m) => ({
				labels: { model: m.model },
				value: counters.get(`model_calls_unknown:${m.model}`) ?? 0,
			})),
		},
	];
}
