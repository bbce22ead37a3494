/**
 * An ensemble subtask's samples or rounds, kept in its row's `ensemble` column (JSON) and written in
 * the same batch as its outcome, so the status never shows an output without the answers behind it.
 */
import { ensembleStatusSchema, type EnsembleStatus } from "@ow/schemas";

/** The statement that keeps a subtask's ensemble; joins the batch that records its outcome. */
export function ensembleStatement(
	db: D1Database,
	runId: string,
	subtaskId: string,
	ensemble: EnsembleStatus,
): D1PreparedStatement {
	return db
		.prepare("UPDATE subtasks SET ensemble = ? WHERE run_id = ? AND id = ?")
		.bind(JSON.stringify(ensemble), runId, subtaskId);
}

/** A row's ensemble as the status shows it; null for a subtask without one (or an unreadable value). */
export function ensembleOfRow(value: string | null | undefined): EnsembleStatus | null {
	if (!value) return null;
	const parsed = ensembleStatusSchema.safeParse(JSON.parse(value));
	return parsed.success ? parsed.data : null;
}
