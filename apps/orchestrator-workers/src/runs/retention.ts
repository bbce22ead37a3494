/**
 * Deleting finished runs: the sweep deletes those older than RUN_RETENTION_DAYS, and
 * `DELETE /:id?purge=true` one at once. A run goes with everything stored for it: its screenshots
 * in the harness's R2 bucket, its Workflow instance, its own store (registry/run-store-object.ts), its
 * labels and its row. What it counted in /metrics stays (metric_totals), so counters never go down.
 */
import { messageOf } from "../errors";
import { harnessOf } from "../harness";
import { logEvent } from "../log";
import { foldIntoTotals } from "../registry/run-counters";
import { TERMINAL_RUN_STATES } from "../registry/run-states";
import { runObject } from "../registry/run-store";

const ENDED = `status IN (${TERMINAL_RUN_STATES.map((s) => `'${s}'`).join(", ")})`;

/** Runs deleted per page of the retention sweep (the metric fold binds one parameter per run). */
export const RETENTION_PAGE = 50;
/** Most pages one sweep deletes; the next sweep goes on where it stopped. */
const RETENTION_MAX_PAGES = 20;

interface EndedRun {
	id: string;
	updated_at: string;
	screenshots: number | null;
}

/**
 * Deletes finished runs: artifacts and instances first, then all their rows in one batch, so a run
 * whose artifacts could not be deleted keeps its row and is tried again. Returns the ids deleted;
 * a run that has not ended (or no longer exists) is left alone.
 */
export async function purgeRuns(env: Env, runs: readonly EndedRun[]): Promise<string[]> {
	const ready: string[] = [];
	for (const run of runs) {
		try {
			// Only runs that asked for screenshots stored any (the harness keys them by run id).
			if (run.screenshots) await harnessOf(env).deleteRunArtifacts(run.id);
		} catch (error) {
			logEvent(
				{ msg: "artifacts not deleted; run kept for the next sweep", runId: run.id, error: messageOf(error) },
				"warn",
			);
			continue;
		}
		await deleteInstance(env, run.id);
		ready.push(run.id);
	}
	if (ready.length === 0) return [];
	const db = env.DB;
	const ids = ready.map((_id, i) => `?${i + 1}`).join(", ");
	// Only runs still ended: one restarted meanwhile is not deleted (nor are its events or subtasks).
	const ended = `SELECT id FROM runs WHERE id IN (${ids}) AND ${ENDED}`;
	const results = await db.batch([
		...(await foldIntoTotals(db, ready)),
		db.prepare(`DELETE FROM events WHERE run_id IN (${ended})`).bind(...ready),
		db.prepare(`DELETE FROM subtasks WHERE run_id IN (${ended})`).bind(...ready),
		db.prepare(`DELETE FROM step_usage WHERE run_id IN (${ended})`).bind(...ready),
		db.prepare(`DELETE FROM step_attempts WHERE run_id IN (${ended})`).bind(...ready),
		db.prepare(`DELETE FROM run_labels WHERE run_id IN (${ended})`).bind(...ready),
		db.prepare(`DELETE FROM runs WHERE id IN (${ended}) RETURNING id`).bind(...ready),
	]);
	const deleted = ((results.at(-1)?.results ?? []) as { id: string }[]).map((r) => r.id);
	await Promise.all(deleted.map((id) => purgeStore(env, id)));
	return deleted;
}

/**
 * The run's own store goes after its row: the other way round, a failed delete in D1 would leave a row
 * whose store is empty. Its counters were folded into the totals when it ended.
 */
async function purgeStore(env: Env, id: string): Promise<void> {
	try {
		await runObject(env, id).purge();
	} catch (error) {
		logEvent({ msg: "run store not purged", runId: id, error: messageOf(error) }, "warn");
	}
}

/** The Workflow instance goes too where the platform offers it; a missing one is already gone. */
async function deleteInstance(env: Env, id: string): Promise<void> {
	let instance: WorkflowInstance;
	try {
		instance = await env.ORCHESTRATOR_WORKFLOW.get(id);
	} catch (_error) {
		return; // no instance (never created, or deleted by an earlier try)
	}
	try {
		await instance.delete();
	} catch (error) {
		// The engine keeps its instances for its own retention period anyway; the run's data is ours to delete.
		logEvent({ msg: "workflow instance not deleted", runId: id, error: messageOf(error) }, "warn");
	}
}

/** Reads one finished run for a purge; null when there is no such run. */
export async function readEndedRun(db: D1Database, id: string): Promise<EndedRun | null> {
	return db
		.prepare(
			`SELECT id, updated_at, json_extract(options, '$.screenshots') AS screenshots FROM runs WHERE id = ? AND ${ENDED}`,
		)
		.bind(id)
		.first<EndedRun>();
}

/**
 * Deletes the runs that ended before `before`, oldest first, a page at a time. Returns how many
 * were deleted; runs that could not be are passed by (cursor), so they never hold up the rest.
 */
export async function expireRuns(env: Env, before: string): Promise<number> {
	let cursor = { updatedAt: "", id: "" };
	let deleted = 0;
	for (let page = 0; page < RETENTION_MAX_PAGES; page++) {
		const { results } = await env.DB.prepare(
			`SELECT id, updated_at, json_extract(options, '$.screenshots') AS screenshots FROM runs
			 WHERE ${ENDED} AND updated_at < ? AND (updated_at, id) > (?, ?)
			 ORDER BY updated_at, id LIMIT ?`,
		)
			.bind(before, cursor.updatedAt, cursor.id, RETENTION_PAGE)
			.all<EndedRun>();
		if (results.length === 0) break;
		deleted += (await purgeRuns(env, results)).length;
		const last = results.at(-1)!;
		cursor = { updatedAt: last.updated_at, id: last.id };
		if (results.length < RETENTION_PAGE) break;
	}
	return deleted;
}
