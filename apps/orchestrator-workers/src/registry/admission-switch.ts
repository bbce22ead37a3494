/**
 * The admission switch, kept in D1 (table `admission`, one row once set; no row is open): whether the
 * deployment takes new runs. Registering runs reads it in its own batch (registry/run-admission.ts),
 * so refusing costs nothing extra on the hot path; these functions serve `/admission`, `/metrics`
 * and any other starter of runs (schedules) that wants to skip work before building it.
 */
import {
	DEFAULT_ADMISSION_RETRY_AFTER_SECONDS,
	OPEN_ADMISSION,
	type AdmissionRequest,
	type AdmissionState,
} from "@ow/schemas";

/** The row of the `admission` table. */
export interface AdmissionRow {
	open: number;
	reason: string | null;
	retry_after_seconds: number;
	updated_at: string;
}

/** Reads the switch's row; part of the run-admission batch too. */
export const admissionStatement = (db: D1Database): D1PreparedStatement =>
	db.prepare("SELECT open, reason, retry_after_seconds, updated_at FROM admission WHERE id = 1");

/** The state a row (or its absence: never set) stands for. */
export function admissionOf(row: AdmissionRow | null | undefined): AdmissionState {
	if (!row) return OPEN_ADMISSION;
	return {
		open: row.open === 1,
		reason: row.reason,
		retryAfterSeconds: row.retry_after_seconds,
		updatedAt: row.updated_at,
	};
}

/** Whether new runs are admitted now, with the reason and Retry-After when they are not. */
export async function admissionState(db: D1Database): Promise<AdmissionState> {
	return admissionOf(await admissionStatement(db).first<AdmissionRow>());
}

/** True while new runs are admitted. A schedule sweep checks it before starting a tick's run. */
export async function isAdmissionOpen(db: D1Database): Promise<boolean> {
	return (await admissionState(db)).open;
}

/**
 * Opens or closes admission and returns the new state. Reopening forgets the reason; the switch is
 * durable (D1), so it holds across restarts and every isolate reads the same value.
 */
export async function setAdmission(
	db: D1Database,
	request: AdmissionRequest,
	now = new Date(),
): Promise<AdmissionState> {
	const row: AdmissionRow = {
		open: request.open ? 1 : 0,
		reason: request.open ? null : (request.reason ?? null),
		retry_after_seconds: request.retryAfterSeconds ?? DEFAULT_ADMISSION_RETRY_AFTER_SECONDS,
		updated_at: now.toISOString(),
	};
	await db
		.prepare(
			`INSERT INTO admission (id, open, reason, retry_after_seconds, updated_at) VALUES (1, ?1, ?2, ?3, ?4)
			 ON CONFLICT (id) DO UPDATE SET open = ?1, reason = ?2, retry_after_seconds = ?3, updated_at = ?4`,
		)
		.bind(row.open, row.reason, row.retry_after_seconds, row.updated_at)
		.run();
	return admissionOf(row);
}
