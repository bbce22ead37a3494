/**
 * The schedules table (migration 0013): reading schedules into the API's shape and writing them.
 * Firing a tick is in sweep.ts.
 */
import type { Schedule, ScheduleDetail, ScheduleRequest } from "@ow/schemas";

export interface ScheduleRow {
	id: string;
	cron: string;
	timezone: string;
	prompt: string;
	options: string;
	labels: string;
	paused: number;
	next_at: string | null;
	last_tick_at: string | null;
	last_error_code: string | null;
	last_error_message: string | null;
	created_at: string;
	updated_at: string;
}

/** Schedule ids: `sch_` and 20 random base-36 characters. */
export const SCHEDULE_ID_PATTERN = /^sch_[0-9a-z]{20}$/;

export function newScheduleId(): string {
	return `sch_${Array.from(crypto.getRandomValues(new Uint8Array(20)), (b) => (b % 36).toString(36)).join("")}`;
}

export function toSchedule(row: ScheduleRow): Schedule {
	return {
		id: row.id,
		cron: row.cron,
		timezone: row.timezone,
		prompt: row.prompt,
		options: JSON.parse(row.options),
		labels: JSON.parse(row.labels),
		paused: row.paused === 1,
		nextAt: row.next_at,
		lastTickAt: row.last_tick_at,
		lastError: row.last_error_code ? { code: row.last_error_code, message: row.last_error_message ?? "" } : null,
		createdAt: row.created_at,
		updatedAt: row.updated_at,
		links: { self: `/schedules/${row.id}` },
	};
}

export async function readSchedule(db: D1Database, id: string): Promise<ScheduleRow | null> {
	return db.prepare("SELECT * FROM schedules WHERE id = ?").bind(id).first<ScheduleRow>();
}

/** What a schedule holds, in the table's columns. */
export type ScheduleValues = Required<Pick<ScheduleRequest, "cron" | "prompt" | "timezone">> &
	Pick<ScheduleRequest, "options" | "labels"> & { paused: boolean; nextAt: string | null };

/** The bindings ?1 to ?9 of the insert and the update: id, what the schedule holds, and the time of the write. */
const columns = (id: string, v: ScheduleValues, at: string) => [
	id,
	v.cron,
	v.timezone,
	v.prompt,
	JSON.stringify(v.options ?? {}),
	JSON.stringify(v.labels ?? {}),
	v.paused ? 1 : 0,
	v.nextAt,
	at,
];

export async function insertSchedule(db: D1Database, id: string, v: ScheduleValues, at: string): Promise<void> {
	await db
		.prepare(
			`INSERT INTO schedules (id, cron, timezone, prompt, options, labels, paused, next_at, created_at, updated_at)
			 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)`,
		)
		.bind(...columns(id, v, at))
		.run();
}

/** Replaces what a schedule holds; false when it no longer exists. */
export async function updateSchedule(db: D1Database, id: string, v: ScheduleValues, at: string): Promise<boolean> {
	const { meta } = await db
		.prepare(
			`UPDATE schedules SET cron = ?2, timezone = ?3, prompt = ?4, options = ?5, labels = ?6, paused = ?7, next_at = ?8,
			 updated_at = ?9 WHERE id = ?1`,
		)
		.bind(...columns(id, v, at))
		.run();
	return (meta.changes ?? 0) > 0;
}

export async function deleteSchedule(db: D1Database, id: string): Promise<boolean> {
	const { meta } = await db.prepare("DELETE FROM schedules WHERE id = ?").bind(id).run();
	return (meta.changes ?? 0) > 0;
}

/** A page of schedules, newest first; `after` is the last one of the previous page. */
export async function listSchedules(
	db: D1Database,
	limit: number,
	after: [string, string] | null,
): Promise<ScheduleRow[]> {
	const page = after ? "WHERE created_at < ?1 OR (created_at = ?1 AND id < ?2)" : "";
	const { results } = await db
		.prepare(`SELECT * FROM schedules ${page} ORDER BY created_at DESC, id DESC LIMIT ?3`)
		.bind(after?.[0] ?? "", after?.[1] ?? "", limit)
		.all<ScheduleRow>();
	return results;
}

/** How many of a schedule's latest runs `GET /schedules/:id` shows. */
export const LAST_RUNS = 10;

export async function lastRunsOf(db: D1Database, id: string): Promise<ScheduleDetail["lastRuns"]> {
	const { results } = await db
		.prepare(
			`SELECT id, status, schedule_tick, created_at FROM runs WHERE schedule_id = ?
			 ORDER BY created_at DESC, id DESC LIMIT ?`,
		)
		.bind(id, LAST_RUNS)
		.all<{ id: string; status: string; schedule_tick: string; created_at: string }>();
	return results.map((r) => ({
		id: r.id,
		status: r.status,
		tick: r.schedule_tick,
		createdAt: r.created_at,
		links: { self: `/${r.id}` },
	}));
}

/** The earliest tick any active schedule waits for; null when none does. */
export async function earliestTick(db: D1Database): Promise<string | null> {
	const row = await db
		.prepare("SELECT MIN(next_at) AS next FROM schedules WHERE paused = 0 AND next_at IS NOT NULL")
		.first<{ next: string | null }>();
	return row?.next ?? null;
}
