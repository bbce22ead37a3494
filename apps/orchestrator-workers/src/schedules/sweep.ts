/**
 * Firing schedules: each schedule whose next tick has come starts one run for that tick.
 *
 * - Exactly one run per tick: the run is started under the idempotency key `schedule:<id>:<tick>`
 *   (runs/idempotent-start.ts), so two sweeps of one tick, at once or one after the other, name one
 *   run; then `next_at` moves on with a compare-and-set on the tick, so only one sweep moves it.
 * - Missed ticks start one run, late: the tick fired is the stored `next_at`, and the next one is the
 *   first tick after the sweep's time, so ticks that passed while nothing swept are skipped.
 * - A tick that cannot start a run (admission closed, MAX_ACTIVE_RUNS reached, the engine refused)
 *   is skipped too, not queued up: the reason is kept on the schedule (`lastError`) until a tick
 *   starts a run again.
 *
 * Drivers: the ScheduleClock Durable Object's alarm at the earliest next tick (locally and on
 * Cloudflare), and the cron trigger as a safety net. `now` is a parameter so tests can pick the time.
 */
import { readConfig } from "../config";
import { messageOf, OrchestratorError } from "../errors";
import { logEvent } from "../log";
import { isAdmissionOpen } from "../registry/admission-switch";
import { startIdempotentRun } from "../runs/idempotent-start";
import { acceptRequest, deploymentPricing } from "../runs/start-runs";
import { nextTick } from "./cron";
import type { ScheduleRow } from "./schedule-store";

/** Schedules fired per sweep at most; the rest are due still, and the clock's next alarm is at once. */
export const SWEEP_SCHEDULES = 50;

/** What one tick did. */
export interface FiredTick {
	scheduleId: string;
	tick: string;
	runId: string | null;
	error: { code: string; message: string } | null;
}

export async function sweepSchedules(env: Env, now = Date.now()): Promise<FiredTick[]> {
	const { results } = await env.DB.prepare(
		"SELECT * FROM schedules WHERE paused = 0 AND next_at <= ? ORDER BY next_at, id LIMIT ?",
	)
		.bind(new Date(now).toISOString(), SWEEP_SCHEDULES)
		.all<ScheduleRow>();
	const fired: FiredTick[] = [];
	for (const row of results) {
		try {
			const tick = await fireTick(env, row, now);
			if (tick) fired.push(tick);
		} catch (error) {
			logEvent({ msg: "schedule tick failed", scheduleId: row.id, error: messageOf(error) }, "error");
		}
	}
	if (fired.length > 0) logEvent({ msg: "schedules fired", fired });
	await forgetTickKeys(env, now);
	return fired;
}

/**
 * Deletes the idempotency keys of ticks older than IDEMPOTENCY_TTL_HOURS: one a tick would otherwise
 * pile up forever (1440 a day for a schedule firing every minute). Safe, unlike deleting a client's
 * key (whose generation names its next run id): a tick is never fired again once next_at has passed it.
 */
async function forgetTickKeys(env: Env, now: number): Promise<void> {
	const before = new Date(now - readConfig(env).idempotencyTtlMs).toISOString();
	// A range on the primary key, not LIKE (case-insensitive in SQLite, so it would scan every key).
	await env.DB.prepare(
		"DELETE FROM idempotency_keys WHERE key >= 'schedule:' AND key < 'schedule;' AND state != 'creating' AND created_at < ?",
	)
		.bind(before)
		.run();
}

/** Starts the run of the schedule's due tick and moves the schedule on; null when another sweep has it. */
async function fireTick(env: Env, row: ScheduleRow, now: number): Promise<FiredTick | null> {
	const tick = row.next_at!;
	const result: FiredTick = { scheduleId: row.id, tick, runId: null, error: null };
	if (!(await isAdmissionOpen(env.DB))) {
		result.error = { code: "admission-closed", message: "Admission was closed at this tick; no run was started." };
	} else {
		try {
			const config = readConfig(env);
			const labels = JSON.parse(row.labels) as Record<string, string>;
			const options = { ...JSON.parse(row.options), ...(Object.keys(labels).length > 0 ? { labels } : {}) };
			const accepted = acceptRequest(config, { prompt: row.prompt, options }, "", deploymentPricing(env), now);
			// The key names the tick; its request hash names the schedule, so an edit between two sweeps of
			// one tick is no conflict: the tick has its run either way.
			const run = await startIdempotentRun(env, config, `schedule:${row.id}:${tick}`, row.id, {
				...accepted,
				schedule: { id: row.id, tick },
			});
			result.runId = run.id;
		} catch (error) {
			const failure = OrchestratorError.fromUnknown(error);
			// Another sweep is creating this tick's run right now: it moves the schedule on.
			if (failure.code === "request-in-progress") return null;
			result.error = { code: failure.code, message: failure.message };
		}
	}
	const next = nextTick({ cron: row.cron, timezone: row.timezone }, now);
	const { meta } = await env.DB.prepare(
		`UPDATE schedules SET next_at = ?1, last_tick_at = ?2, last_error_code = ?3, last_error_message = ?4, updated_at = ?5
		 WHERE id = ?6 AND next_at = ?2 AND paused = 0`,
	)
		.bind(next, tick, result.error?.code ?? null, result.error?.message ?? null, new Date().toISOString(), row.id)
		.run();
	return (meta.changes ?? 0) > 0 || result.runId ? result : null;
}
