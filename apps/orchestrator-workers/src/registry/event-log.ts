/**
 * The run's append-only event log. Writes are keyed by the fact they record, so a replayed step that
 * writes the same event again inserts nothing.
 */
import type { ProgressEventType } from "@ow/schemas";
import { NOT_TERMINAL } from "./run-states";

/**
 * A statement that appends one event; batch it with the state change it describes. The key is scoped
 * by the run's current generation (bumped by restarts), read in the same statement.
 */
export function appendEvent(
	db: D1Database,
	event: { runId: string; key: string; type: ProgressEventType; data: Record<string, unknown>; at: string },
	{ onlyWhileOpen = false } = {},
): D1PreparedStatement {
	// An event that announces new work must not follow a cancel or the run's end: it is appended only
	// while the run is open, like the state change it is batched with.
	const open = onlyWhileOpen ? ` AND cancel_requested = 0 AND ${NOT_TERMINAL}` : "";
	return db
		.prepare(
			`INSERT OR IGNORE INTO events (run_id, key, type, data, at)
			 SELECT ?1, generation || ':' || ?2, ?3, ?4, ?5 FROM runs WHERE id = ?1${open}`,
		)
		.bind(event.runId, event.key, event.type, JSON.stringify(event.data), event.at);
}
