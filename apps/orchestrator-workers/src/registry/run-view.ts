/**
 * Reads a run from the registry into the status body of `GET /:id`.
 */
import { EMPTY_RUN_USAGE, type RunState, type RunStatus, type RunUsage, type SubtaskStatus } from "@ow/schemas";
import { ensembleOfRow } from "./ensemble-store";
import { runUsageOf, usageRowsStatement, type UsageRow } from "./usage-ledger";

interface RunRow {
	id: string;
	status: RunState;
	prompt: string;
	options: string;
	prompt_version: string;
	deployment_version: string;
	provider: string;
	big_model: string;
	small_model: string;
	plan: string | null;
	result: string | null;
	error_code: string | null;
	error_message: string | null;
	usage: string | null;
	plan_ms: number | null;
	execute_ms: number | null;
	synthesise_ms: number | null;
	waiting_for: "plan" | "budget" | null;
	estimate: string | null;
	created_at: string;
	updated_at: string;
	schedule_id: string | null;
	schedule_tick: string | null;
}

interface SubtaskRow {
	id: string;
	title: string;
	executor: SubtaskStatus["executor"];
	url: string | null;
	depends_on: string;
	status: SubtaskStatus["status"];
	attempts: number;
	started_at: string | null;
	finished_at: string | null;
	output: string | null;
	truncated: number;
	error_code: string | null;
	error_message: string | null;
	usage: string | null;
	source_url: string | null;
	source_title: string | null;
	screenshot_key: string | null;
	progress: string | null;
	actions: string | null;
	/** Added by migration 0015. */
	ensemble?: string | null;
	run_id: string;
}

interface LabelRow {
	key: string;
	value: string;
}

const json = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));

/** The run's status, or null when there is no such run. */
export async function readRunStatus(db: D1Database, id: string): Promise<RunStatus | null> {
	const [runs, subtasks, ledger, labels] = await db.batch([
		db.prepare("SELECT * FROM runs WHERE id = ?").bind(id),
		db.prepare("SELECT * FROM subtasks WHERE run_id = ? ORDER BY position").bind(id),
		usageRowsStatement(db, id),
		db.prepare("SELECT key, value FROM run_labels WHERE run_id = ? ORDER BY key").bind(id),
	]);
	const run = (runs?.results as RunRow[] | undefined)?.[0];
	if (!run) return null;
	const plan = json<RunStatus["plan"]>(run.plan);
	const options = JSON.parse(run.options) as RunStatus["options"];
	return {
		id: run.id,
		status: run.status,
		prompt: run.prompt,
		createdAt: run.created_at,
		updatedAt: run.updated_at,
		startAt: options.startAt ?? null,
		schedule: run.schedule_id ? { id: run.schedule_id, tick: run.schedule_tick ?? "" } : null,
		promptVersion: run.prompt_version,
		deploymentVersion: run.deployment_version,
		labels: Object.fromEntries(((labels?.results ?? []) as LabelRow[]).map((l) => [l.key, l.value])),
		models: { provider: run.provider, big: run.big_model, small: run.small_model },
		options,
		plan: plan && {
			subtasks: plan.subtasks.map((t) => ({
				id: t.id,
				title: t.title,
				executor: t.executor,
				url: t.url,
				dependsOn: t.dependsOn,
				// Plans from before subtasks had a model have none: they ran on the small one.
				model: t.model ?? "small",
			})),
		},
		subtasks: ((subtasks?.results ?? []) as SubtaskRow[]).map(toSubtaskStatus),
		result: json(run.result),
		error: run.error_code ? { code: run.error_code, message: run.error_message ?? "" } : null,
		usage: usageOf((ledger?.results ?? []) as UsageRow[], run.usage),
		cost: null, // priced by the API layer, which knows the deployment's price table
		budget: null, // likewise (runs/run-state.ts)
		estimate: json(run.estimate),
		// A plan approval leaves the column empty: it predates budgets, and is the only other wait.
		waitingFor: run.status === "waiting" ? (run.waiting_for ?? "plan") : null,
		timings: { planMs: run.plan_ms, executeMs: run.execute_ms, synthesiseMs: run.synthesise_ms },
		links: { self: `/${run.id}`, events: `/${run.id}/events` },
	};
}

/**
 * The run's usage from its ledger. A run that spent nothing has no rows; one recorded before the ledger
 * existed has only its final total (no per-attempt detail, no unknown calls).
 */
function usageOf(rows: UsageRow[], legacy: string | null): RunUsage {
	if (rows.length > 0 || legacy === null) return rows.length > 0 ? runUsageOf(rows) : EMPTY_RUN_USAGE;
	const old = JSON.parse(legacy) as Omit<RunUsage, "unknownCalls">;
	return { ...old, unknownCalls: 0, byStep: {} };
}

function toSubtaskStatus(row: SubtaskRow): SubtaskStatus {
	return {
		id: row.id,
		title: row.title,
		executor: row.executor,
		url: row.url,
		dependsOn: JSON.parse(row.depends_on),
		status: row.status,
		attempts: row.attempts,
		startedAt: row.started_at,
		finishedAt: row.finished_at,
		output: row.output,
		truncated: row.truncated === 1,
		error: row.error_code ? { code: row.error_code, message: row.error_message ?? "" } : null,
		usage: json(row.usage),
		progress: json(row.progress),
		actions: json(row.actions) ?? [],
		source: row.source_url ? { url: row.source_url, title: row.source_title ?? "" } : null,
		artifacts: row.screenshot_key
			? [{ kind: "screenshot", key: row.screenshot_key, href: `/${row.run_id}/artifacts/${row.screenshot_key}` }]
			: [],
		ensemble: ensembleOfRow(row.ensemble),
	};
}
