/**
 * Reading a run's event log straight from its store (or from D1, for the registry's own tests), for
 * assertions. The Worker reads it only page by page, through progress-log.ts, for its clients; this plain
 * reader is for tests alone.
 */
import { env } from "cloudflare:workers";
import type { ProgressEvent, ProgressEventType } from "@ow/schemas";
import { runStore } from "../src/registry/run-store";

/** The run's own store (src/registry/run-store.ts): where a run's live state is. */
export const storeOf = (runId: string): D1Database => runStore(env, runId);

interface EventRow {
	seq: number;
	run_id: string;
	type: ProgressEventType;
	data: string;
	at: string;
}

/** The run's events after `afterSeq`, oldest first. */
export async function readEvents(db: D1Database, runId: string, afterSeq = 0, limit = 500): Promise<ProgressEvent[]> {
	const { results } = await db
		.prepare("SELECT seq, run_id, type, data, at FROM events WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ?")
		.bind(runId, afterSeq, limit)
		.all<EventRow>();
	return results.map((r) => ({ seq: r.seq, runId: r.run_id, type: r.type, at: r.at, data: JSON.parse(r.data) }));
}
