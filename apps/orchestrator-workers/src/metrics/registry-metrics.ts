/**
 * Metrics computed from the run registry at scrape time. A Worker keeps no process-wide counters
 * (isolates come and go), so the registry is the source of truth: every family below is an aggregate
 * of its counters (registry/run-counters.ts) over D1 and the stores of the runs still going, plus the
 * totals in `metric_totals` that ended runs folded in and deleted runs left, so counters never go down
 * when rows go away.
 *
 * A run restarted from the start forgets its subtasks, which Prometheus treats as a counter reset.
 */
import { executorSchema, runStateSchema, subtaskStateSchema } from "@ow/schemas";
import { histogramSamples, type MetricFamily, type Sample } from "./exposition";
import { NOT_TERMINAL } from "../registry/run-states";
import { runStore } from "../registry/run-store";
import {
	addInto,
	aggregateStatements,
	ALL_RUNS,
	countersFromJson,
	countersOf,
	DURATION_STEPS,
	runCounters,
	STEP_DURATION_BUCKETS,
	subtract,
	type Counters,
	type StatusCount,
} from "../registry/run-counters";

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
		addInto(counters, subtract(own, countersFromJson(before)));
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
