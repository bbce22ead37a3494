/**
 * Registering new runs under MAX_ACTIVE_RUNS and the admission switch. Counting the runs in flight,
 * reading the switch and inserting the new ones happen in one D1 batch, which D1 runs as one
 * transaction with no other statement in between: however many requests arrive at once, no more than
 * the limit are ever admitted (a count followed by an insert, in two round trips, let simultaneous
 * requests all pass), and none once the switch is closed.
 */
import type { AdmissionState, ResolvedRunOptions, RunLabels } from "@ow/schemas";
import type { ModelIds } from "../models";
import { admissionOf, admissionStatement, type AdmissionRow } from "./admission-switch";
import { appendEvent } from "./event-log";

/** Run states that count against MAX_ACTIVE_RUNS; a `scheduled` run counts from when it starts. */
const ACTIVE = "status IN ('queued', 'running', 'waiting', 'paused')";

export interface NewRun {
	id: string;
	prompt: string;
	options: ResolvedRunOptions;
	promptVersion: string;
	models: ModelIds;
	createdAt: string;
	/** The caller's labels; none when left out. */
	labels?: RunLabels;
	/** The Worker version registering the run; "dev" when left out. */
	deploymentVersion?: string;
	/** The schedule that starts the run, and the tick it is for. */
	schedule?: { id: string; tick: string };
}

/** What registering runs found: whether they were admitted, and the switch as it was then. */
export interface AdmissionResult {
	admitted: boolean;
	/** Closed (`open: false`) is why runs were refused; open and refused means MAX_ACTIVE_RUNS. */
	admission: AdmissionState;
}

/** No row, or a row saying open: the switch lets runs in. */
const ADMISSION_OPEN = "NOT EXISTS (SELECT 1 FROM admission WHERE id = 1 AND open = 0)";

/**
 * Registers `runs` (status `queued`, or `scheduled` for a delayed run, with their labels and first
 * event) before their Workflow instances are created, all or none: only if admission is open and the
 * runs in flight plus the ones that start now stay within `maxActive` (a delayed run counts only once it
 * starts, so a batch of delayed runs fits however full the house is). Returns whether they were
 * registered and the switch's state.
 *
 * The first run's insert carries both checks; every other insert (and the labels) only follows it
 * (the first run's row exists), so a batch that does not fit inserts nothing.
 */
export async function insertRuns(
	db: D1Database,
	runs: NewRun[],
	maxActive = Number.MAX_SAFE_INTEGER,
): Promise<AdmissionResult> {
	const [first] = runs;
	if (!first) return { admitted: true, admission: admissionOf(null) };
	const startingNow = runs.filter((run) => !run.options.startAt).length;
	const statements = runs.flatMap((run, i) => {
		const status = run.options.startAt ? "scheduled" : "queued";
		return [
			db
				.prepare(
					`INSERT INTO runs (id, status, prompt, options, prompt_version, provider, big_model, small_model, created_at, updated_at,
					 deployment_version, schedule_id, schedule_tick, store)
					 SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10, ?11, ?12, 1
					 WHERE ${i === 0 ? `${ADMISSION_OPEN} AND (?13 = 0 OR (SELECT COUNT(*) FROM runs WHERE ${ACTIVE}) + ?13 <= ?14)` : "EXISTS (SELECT 1 FROM runs WHERE id = ?13)"}`,
				)
				.bind(
					run.id,
					status,
					run.prompt,
					JSON.stringify(run.options),
					run.promptVersion,
					run.models.provider,
					run.models.big,
					run.models.small,
					run.createdAt,
					run.deploymentVersion ?? "dev",
					run.schedule?.id ?? null,
					run.schedule?.tick ?? null,
					...(i === 0 ? [startingNow, maxActive] : [first.id]),
				),
			appendEvent(db, {
				runId: run.id,
				key: `run.status:${status}`,
				type: "run.status",
				data: run.options.startAt ? { status, startAt: run.options.startAt } : { status },
				at: run.createdAt,
			}),
		];
	});
	const labels = runs.flatMap((run) => Object.entries(run.labels ?? {}).map(([k, v]) => ({ r: run.id, k, v })));
	// One statement for every label of the batch (a batch of 100 runs with 16 labels each stays one
	// query), inserted only when the first run was admitted.
	if (labels.length > 0) {
		statements.push(
			db
				.prepare(
					`INSERT INTO run_labels (run_id, key, value)
					 SELECT json_extract(l.value, '$.r'), json_extract(l.value, '$.k'), json_extract(l.value, '$.v')
					 FROM json_each(?1) AS l WHERE EXISTS (SELECT 1 FROM runs WHERE id = ?2)`,
				)
				.bind(JSON.stringify(labels), first.id),
		);
	}
	statements.push(admissionStatement(db));
	const results = await db.batch(statements);
	return {
		admitted: (results[0]?.meta.changes ?? 0) > 0,
		admission: admissionOf((results.at(-1)?.results as AdmissionRow[] | undefined)?.[0]),
	};
}

/**
 * Removes runs whose Workflow instances could not be created: they never started, so they are not
 * kept as runs (a client was told so with a 503). Only runs still `queued` (or `scheduled`) are touched.
 */
export async function forgetRuns(db: D1Database, ids: string[]): Promise<void> {
	await db.batch(
		ids.flatMap((id) => [
			db
				.prepare(
					"DELETE FROM events WHERE run_id = ? AND EXISTS (SELECT 1 FROM runs WHERE id = ? AND status IN ('queued', 'scheduled'))",
				)
				.bind(id, id),
			db
				.prepare(
					"DELETE FROM run_labels WHERE run_id = ? AND EXISTS (SELECT 1 FROM runs WHERE id = ? AND status IN ('queued', 'scheduled'))",
				)
				.bind(id, id),
			db.prepare("DELETE FROM runs WHERE id = ? AND status IN ('queued', 'scheduled')").bind(id),
		]),
	);
}
