/**
 * Registering new runs under MAX_ACTIVE_RUNS. Counting the runs in flight and inserting the new ones
 * happen in one D1 batch, which D1 runs as one transaction with no other statement in between: however
 * many requests arrive at once, no more than the limit are ever admitted (a count followed by an
 * insert, in two round trips, let simultaneous requests all pass).
 */
import type { ResolvedRunOptions } from "@ow/schemas";
import type { ModelIds } from "../models";
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
	/** The schedule that starts the run, and the tick it is for. */
	schedule?: { id: string; tick: string };
}

/**
 * Registers `runs` (status `queued`, or `scheduled` for a delayed run, with their first event) before their Workflow instances are
 * created, all or none: only if the runs in flight plus these stay within `maxActive`. Returns whether
 * they were registered.
 *
 * The first run's insert carries the count; every other insert only follows it (the first run's row
 * exists), so a batch that does not fit inserts nothing.
 */
export async function insertRuns(
	db: D1Database,
	runs: NewRun[],
	maxActive = Number.MAX_SAFE_INTEGER,
): Promise<boolean> {
	const [first] = runs;
	if (!first) return true;
	const statements = runs.flatMap((run, i) => {
		const status = run.options.startAt ? "scheduled" : "queued";
		return [
			db
				.prepare(
					`INSERT INTO runs (id, status, prompt, options, prompt_version, provider, big_model, small_model, created_at, updated_at,
					 schedule_id, schedule_tick)
					 SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10, ?11
					 WHERE ${i === 0 ? `(SELECT COUNT(*) FROM runs WHERE ${ACTIVE}) + ?12 <= ?13` : "EXISTS (SELECT 1 FROM runs WHERE id = ?12)"}`,
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
					run.schedule?.id ?? null,
					run.schedule?.tick ?? null,
					...(i === 0 ? [runs.length, maxActive] : [first.id]),
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
	const [admitted] = await db.batch(statements);
	return (admitted?.meta.changes ?? 0) > 0;
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
			db.prepare("DELETE FROM runs WHERE id = ? AND status IN ('queued', 'scheduled')").bind(id),
		]),
	);
}
