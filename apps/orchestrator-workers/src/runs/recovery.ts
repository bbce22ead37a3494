/**
 * The recovery sweep: keeps every run moving, the registry in agreement with the Workflow engine
 * (runs/reconcile.ts), and the registry within RUN_RETENTION_DAYS (runs/retention.ts). It goes
 * through all runs that need a look, oldest first, a page at a time with a cursor, so no run
 * starves another and memory stays flat however many there are.
 *
 * When is a run's engine gone?
 * - Under `wrangler dev` (RECOVERY_BOOT_CHECK=true) one process runs the API and the engine, and a
 *   restarted process never resumes the instances that were running. Each step marks its run with
 *   the process's boot id (runs/engine-boot.ts), so the first sweep after a start knows for certain
 *   which runs were left behind, and kicks them at once: no timer.
 * - On Cloudflare many isolates run the same runs and the engine resumes its instances by itself;
 *   a run with no event for RECOVERY_STALE_MS that the engine still calls running is kicked.
 * In both, a run quiet for a minute is compared with the engine, so one that ended outside a step
 * (or whose last registry write failed) is settled.
 *
 * Triggers: the cron trigger on Cloudflare; the first request an isolate serves (the dev launcher
 * sends one as soon as the server answers); under the boot check, a request at most every
 * {@link LOCAL_SWEEP_EVERY_MS}; and a read of a run quiet for a minute.
 */
import { readConfig } from "../config";
import { messageOf } from "../errors";
import { logEvent } from "../log";
import { NOT_TERMINAL, TERMINAL_RUN_STATES } from "../registry/run-states";
import { armScheduleClock } from "../schedules/schedule-clock";
import { currentBoot } from "./engine-boot";
import { reconcileEndedRun, reconcileOpenRun, type OpenRun, type RecoveryAction } from "./reconcile";
import { expireRuns } from "./retention";
import { runStore } from "../registry/run-store";

/** Runs read per page. */
export const SWEEP_PAGE = 50;
/** An open run this quiet is compared with the engine (which may have ended it outside a step). */
export const QUIET_CHECK_MS = 60_000;
/** A run that ended this long ago must have an ended instance too (its last step returns right after). */
export const ENDED_GRACE_MS = 30_000;
/** Under the boot check, requests sweep at most this often. */
export const LOCAL_SWEEP_EVERY_MS = 30_000;

/** What one sweep did: how many runs got each action, and how many it deleted. */
export interface SweepReport {
	actions: Partial<Record<RecoveryAction, number>>;
	deleted: number;
}

interface OpenRow extends OpenRun {
	created_at: string;
	updated_at: string;
	engine_boot: string | null;
	last_event: string;
}

/** One sweep over all runs; `now` and the page size are parameters for tests. */
export async function sweepRuns(env: Env, now = Date.now(), pageSize = SWEEP_PAGE): Promise<SweepReport> {
	const config = readConfig(env);
	const report: SweepReport = { actions: {}, deleted: 0 };
	const count = (action: RecoveryAction) => (report.actions[action] = (report.actions[action] ?? 0) + 1);
	const at = new Date().toISOString(); // what the sweep writes happens now, whatever `now` it judges by
	const staleBefore = new Date(now - config.recoveryStaleMs).toISOString();
	const quietBefore = new Date(now - Math.min(QUIET_CHECK_MS, config.recoveryStaleMs)).toISOString();
	const boot = config.recoveryBootCheck ? currentBoot() : null;

	for await (const run of pages<OpenRow>(env.DB, OPEN_PAGE_SQL, pageSize, (r) => [r.created_at, r.id])) {
		const orphaned =
			boot !== null && run.engine_boot !== boot.id && run.updated_at < boot.at && run.status !== "paused";
		if (!orphaned && run.last_event >= quietBefore) continue;
		// D1 has the run's row, which changes a few times a run; its store has every event.
		const lastEvent = await settleRead(() => lastEventOf(env, run));
		if (lastEvent === null) continue;
		if (!orphaned && lastEvent >= quietBefore) continue;
		// A `scheduled` run is never stale: it sleeps without events until its start time, for days maybe.
		const stale = (run.status === "queued" || run.status === "running") && lastEvent < staleBefore;
		count(await settle(run.id, () => reconcileOpenRun(env, run, orphaned || stale, at)));
	}

	const endedBefore = new Date(now - ENDED_GRACE_MS).toISOString();
	const ended = pages<{ id: string; updated_at: string }>(
		env.DB,
		ENDED_PAGE_SQL,
		pageSize,
		(r) => [r.updated_at, r.id],
		[endedBefore],
	);
	for await (const run of ended) {
		const action = await settle(run.id, () => reconcileEndedRun(env, run.id));
		count(action);
		// Checked once per ending: a restart ends the run anew (new updated_at) and it is checked again.
		if (action !== "failed") {
			await env.DB.prepare("UPDATE runs SET reconciled_at = updated_at WHERE id = ? AND updated_at = ?")
				.bind(run.id, run.updated_at)
				.run();
		}
	}

	report.deleted = await expireRuns(env, new Date(now - config.runRetentionDays * 86_400_000).toISOString());
	const changed = Object.entries(report.actions).filter(([action]) => action !== "agreed");
	if (changed.length > 0 || report.deleted > 0) logEvent({ msg: "recovery sweep", ...report });
	return report;
}

const OPEN_PAGE_SQL = `SELECT id, status, plan_ms, execute_ms, synthesise_ms, created_at, updated_at, engine_boot,
	COALESCE((SELECT MAX(at) FROM events e WHERE e.run_id = r.id), r.updated_at) AS last_event
	FROM runs r WHERE ${NOT_TERMINAL} AND (created_at, id) > (?1, ?2)
	ORDER BY created_at, id LIMIT ?3`;

const ENDED_PAGE_SQL = `SELECT id, updated_at FROM runs
	WHERE status IN (${TERMINAL_RUN_STATES.map((s) => `'${s}'`).join(", ")})
	AND reconciled_at IS NOT updated_at AND updated_at < ?4 AND (updated_at, id) > (?1, ?2)
	ORDER BY updated_at, id LIMIT ?3`;

/** Rows of `sql` a page at a time; `key` gives the cursor (the ORDER BY columns) of a row. */
async function* pages<T>(
	db: D1Database,
	sql: string,
	pageSize: number,
	key: (row: T) => [string, string],
	extra: string[] = [],
): AsyncGenerator<T> {
	let cursor: [string, string] = ["", ""];
	for (;;) {
		const { results } = await db
			.prepare(sql)
			.bind(...cursor, pageSize, ...extra)
			.all<T>();
		yield* results;
		if (results.length < pageSize) return;
		cursor = key(results.at(-1)!);
	}
}

/** When the run last did something: its newest event (in its own store), or its row's last change. */
async function lastEventOf(env: Env, run: OpenRow): Promise<string> {
	const at = await runStore(env, run.id).prepare("SELECT MAX(at) AS at FROM events").first<string | null>("at");
	return at && at > run.last_event ? at : run.last_event;
}

/** A read for one run; a failure is logged, and the sweep passes the run by (null). */
async function settleRead<T>(read: () => Promise<T>): Promise<T | null> {
	try {
		return await read();
	} catch (error) {
		logEvent({ msg: "recovery could not read a run", error: messageOf(error) }, "error");
		return null;
	}
}

/** One run's reconciliation; a failure is logged and counted, and the sweep goes on. */
async function settle(runId: string, reconcile: () => Promise<RecoveryAction>): Promise<RecoveryAction> {
	try {
		return await reconcile();
	} catch (error) {
		logEvent({ msg: "recovery of a run failed", runId, error: messageOf(error) }, "error");
		return "failed";
	}
}

type Ctx = { waitUntil(p: Promise<unknown>): void };

/** This isolate's sweep in flight, and when the last one started (0: never). */
let running: Promise<unknown> | undefined;
let lastSweepAt = 0;

function startSweep(env: Env, ctx: Ctx): void {
	lastSweepAt = Date.now();
	running = sweepRuns(env)
		// The schedules' clock too: after a restart its alarm may be gone (armScheduleClock never throws).
		.then(() => armScheduleClock(env))
		.catch((error: unknown) => logEvent({ msg: "recovery sweep failed", error: messageOf(error) }, "error"))
		.finally(() => (running = undefined));
	ctx.waitUntil(running);
}

/** The sweep's triggers inside the Worker (the cron trigger calls {@link sweepRuns} itself). */
export const recovery = {
	/** Every request: the first of an isolate sweeps; under the boot check, one every half minute. */
	onRequest(env: Env, ctx: Ctx): void {
		if (running) return;
		if (lastSweepAt === 0) return startSweep(env, ctx);
		const every = bootCheck(env) ? LOCAL_SWEEP_EVERY_MS : Infinity;
		if (Date.now() - lastSweepAt >= every) startSweep(env, ctx);
	},
	/** A read of an open run that has been quiet for a minute: the engine may know better. */
	onRead(env: Env, ctx: Ctx, run: { status: string; updatedAt: string }): void {
		if (running || (run.status !== "running" && run.status !== "queued" && run.status !== "waiting")) return;
		const now = Date.now();
		if (now - Date.parse(run.updatedAt) >= QUIET_CHECK_MS && now - lastSweepAt >= QUIET_CHECK_MS) startSweep(env, ctx);
	},
};

function bootCheck(env: Env): boolean {
	try {
		return readConfig(env).recoveryBootCheck;
	} catch (_error) {
		return false; // an unusable configuration is reported by the request that reads it
	}
}
