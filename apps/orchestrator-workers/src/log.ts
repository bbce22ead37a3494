/**
 * Structured logs: one JSON line per event, which Workers Logs (observability) indexes by field.
 */
export type LogFields = { msg: string; runId?: string; step?: string; durationMs?: number; outcome?: string } & Record<
	string,
	unknown
>;

/** Writes one JSON log line; errors go to stderr. */
export function logEvent(fields: LogFields, level: "info" | "warn" | "error" = "info"): void {
	const line = JSON.stringify({ level, ts: new Date().toISOString(), ...fields });
	if (level === "error") console.error(line);
	else if (level === "warn") console.warn(line);
	else console.log(line);
}
