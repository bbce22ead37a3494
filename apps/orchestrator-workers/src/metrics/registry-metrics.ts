/**
 * Metrics computed from the D1 run registry at scrape time. A Worker keeps no process-wide counters
 * (isolates come and go), so the registry is the source of truth: every family below is an
 * aggregate over its `runs` and `subtasks` rows, computed in SQL in one batch.
 *
 * Counters here are counts of rows. They only drop when rows go away (a run restarted from the start
 * forgets its subtasks), which Prometheus treats as a counter reset.
 */
import { executorSchema, runStateSchema, subtaskStateSchema } from "@ow/schemas";
import { histogramSamples, type MetricFamily, type Sample } from "./exposition";

/** Upper bounds (seconds) of the step-duration histogram buckets; `+Inf` is implied. */
export const STEP_DURATION_BUCKETS = [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300] as const;

/** The `step` label values of `orchestrator_step_duration_seconds`. */
export const DURATION_STEPS = ["plan", "execute", "synthesise", "subtask"] as const;

const bucketColumns = STEP_DURATION_BUCKETS.map((le, i) => `SUM(ms <= ${Math.round(le * 1000)}) AS b${i}`).join(", ");

// Phase timings are stored in ms on the run; a subtask's is the span between its first start and its end.
const DURATIONS_SQL = `
WITH durations(step, ms) AS (
	SELECT 'plan', plan_ms FROM runs WHERE plan_ms IS NOT NULL
	UNION ALL SELECT 'execute', execute_ms FROM runs WHERE execute_ms IS NOT NULL
	UNION ALL SELECT 'synthesise', synthesise_ms FROM runs WHERE synthesise_ms IS NOT NULL
	UNION ALL SELECT 'subtask', MAX(0, (julianday(finished_at) - julianday(started_at)) * 86400000.0) FROM subtasks
		WHERE started_at IS NOT NULL AND finished_at IS NOT NULL
)
SELECT step, COUNT(*) AS count, TOTAL(ms) AS sum_ms, ${bucketColumns}
FROM durations WHERE ms IS NOT NULL GROUP BY step`;

// From the usage ledger (one row per attempt of a model-calling step, failed ones included), so the
// counters move while runs run. json_extract gives SQL NULL for a JSON null (a count the provider did
// not report); TOTAL skips NULLs.
const MODEL_USAGE_SQL = `
SELECT m.key AS model,
	TOTAL(json_extract(m.value, '$.calls')) AS calls,
	TOTAL(json_extract(m.value, '$.inputTokens')) AS input_tokens,
	TOTAL(json_extract(m.value, '$.outputTokens')) AS output_tokens,
	SUM(json_extract(m.value, '$.inputTokens') IS NULL) + SUM(json_extract(m.value, '$.outputTokens') IS NULL) AS unknown,
	TOTAL(CASE WHEN u.unknown_calls > 0 THEN json_extract(m.value, '$.calls') ELSE 0 END) AS unknown_calls
FROM step_usage AS u, json_each(CASE WHEN json_valid(u.usage) THEN u.usage ELSE '{}' END, '$.byModel') AS m
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

/** The registry's metric families, from one D1 batch of aggregate queries. */
export async function registryFamilies(db: D1Database): Promise<MetricFamily[]> {
	const [runs, subtasks, durations, models] = await db.batch([
		db.prepare("SELECT status, COUNT(*) AS n FROM runs GROUP BY status"),
		db.prepare("SELECT executor, status, COUNT(*) AS n FROM subtasks GROUP BY executor, status"),
		db.prepare(DURATIONS_SQL),
		db.prepare(MODEL_USAGE_SQL),
	]);
	const runRows = (runs?.results ?? []) as StatusCount[];
	return [
		...runFamilies(runRows),
		subtaskFamily((subtasks?.results ?? []) as SubtaskCount[]),
		durationFamily((durations?.results ?? []) as DurationRow[]),
		...modelFamilies((models?.results ?? []) as ModelUsageRow[]),
	];
}

function runFamilies(rows: StatusCount[]): MetricFamily[] {
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
			help: "Runs ever created (rows in the run registry).",
			type: "counter",
			samples: [{ value: rows.reduce((sum, r) => sum + r.n, 0) }],
		},
	];
}

function subtaskFamily(rows: SubtaskCount[]): MetricFamily {
	const counts = new Map<string, Sample>();
	const put = (executor: string, outcome: string, value: number) =>
		counts.set(`${executor}\n${outcome}`, { labels: { executor, outcome }, value });
	for (const executor of executorSchema.options) {
		for (const outcome of subtaskStateSchema.options) put(executor, outcome, 0);
	}
	for (const row of rows) put(row.executor, row.status, row.n);
	return {
		name: "orchestrator_subtasks_total",
		help: "Subtasks of all runs by executor and outcome (the subtask's status: pending, running, succeeded, failed, skipped).",
		type: "counter",
		samples: [...counts.values()],
	};
}

function durationFamily(rows: DurationRow[]): MetricFamily {
	const name = "orchestrator_step_duration_seconds";
	const samples = DURATION_STEPS.flatMap((step) => {
		const row = rows.find((r) => r.step === step);
		const counts = STEP_DURATION_BUCKETS.map((_le, i) => row?.[`b${i}`] ?? 0);
		return histogramSamples(name, { step }, STEP_DURATION_BUCKETS, counts, (row?.sum_ms ?? 0) / 1000, row?.count ?? 0);
	});
	return {
		name,
		help: "Duration of run phases (plan, execute, synthesise; finished runs) and of subtasks (first start to end).",
		type: "histogram",
		samples,
	};
}

function modelFamilies(rows: ModelUsageRow[]): MetricFamily[] {
	return [
		{
			name: "orchestrator_model_calls_total",
			help: "Model calls by model, counted as each step attempt ends (failed attempts too).",
			type: "counter",
			samples: rows.map((r) => ({ labels: { model: r.model }, value: r.calls })),
		},
		{
			name: "orchestrator_model_tokens_total",
			help: "Tokens by model and kind (input, output), failed attempts included; counts the provider did not report are left out.",
			type: "counter",
			samples: rows.flatMap((r) => [
				{ labels: { model: r.model, kind: "input" }, value: r.input_tokens },
				{ labels: { model: r.model, kind: "output" }, value: r.output_tokens },
			]),
		},
		{
			name: "orchestrator_model_tokens_unknown_total",
			help: "Token counts (input or output, per step attempt and model) the provider did not report, so not in orchestrator_model_tokens_total.",
			type: "counter",
			samples: rows.map((r) => ({ labels: { model: r.model }, value: r.unknown })),
		},
		{
			name: "orchestrator_model_calls_unknown_total",
			help: "Model calls that failed without the provider reporting usage (500, timeout): billed or not, their tokens are unknown.",
			type: "counter",
			samples: rows.map((r) => ({ labels: { model: r.model }, value: r.unknown_calls })),
		},
	];
}
