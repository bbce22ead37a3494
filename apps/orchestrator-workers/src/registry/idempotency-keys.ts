/**
 * The idempotency_keys table: which run an Idempotency-Key names, for which request, and how far its
 * creation got. Every change is a compare-and-set on the key's generation, so of two requests racing
 * for one key exactly one wins.
 */

export type KeyState = "creating" | "started" | "released";

export interface KeyRecord {
	key: string;
	requestHash: string;
	runId: string;
	/** How many runs the key named before this one; part of the run id derived from it. */
	generation: number;
	state: KeyState;
	createdAt: string;
}

interface KeyRow {
	key: string;
	request_hash: string;
	run_id: string;
	generation: number;
	state: KeyState;
	created_at: string;
}

export async function readKey(db: D1Database, key: string): Promise<KeyRecord | null> {
	const row = await db.prepare("SELECT * FROM idempotency_keys WHERE key = ?").bind(key).first<KeyRow>();
	return row
		? {
				key: row.key,
				requestHash: row.request_hash,
				runId: row.run_id,
				generation: row.generation,
				state: row.state,
				createdAt: row.created_at,
			}
		: null;
}

/**
 * Takes the key for a new run (state `creating`): a key never seen (`previous` null), or one whose
 * generation is still `previous.generation` (expired, released or abandoned). False when another
 * request took it first.
 */
export async function takeKey(
	db: D1Database,
	claim: Omit<KeyRecord, "state">,
	previous: Pick<KeyRecord, "generation"> | null,
): Promise<boolean> {
	const values = [claim.key, claim.requestHash, claim.runId, claim.generation, claim.createdAt] as const;
	const statement = previous
		? db
				.prepare(
					`UPDATE idempotency_keys SET request_hash = ?2, run_id = ?3, generation = ?4, state = 'creating', created_at = ?5
					 WHERE key = ?1 AND generation = ?6`,
				)
				.bind(...values, previous.generation)
		: db
				.prepare(
					`INSERT INTO idempotency_keys (key, request_hash, run_id, generation, state, created_at)
					 VALUES (?1, ?2, ?3, ?4, 'creating', ?5) ON CONFLICT (key) DO NOTHING`,
				)
				.bind(...values);
	return ((await statement.run()).meta.changes ?? 0) > 0;
}

/** Moves the key's current generation from `creating` to `state`. */
export async function settleKey(
	db: D1Database,
	claim: Pick<KeyRecord, "key" | "generation">,
	state: Exclude<KeyState, "creating">,
): Promise<void> {
	await db
		.prepare("UPDATE idempotency_keys SET state = ? WHERE key = ? AND generation = ? AND state = 'creating'")
		.bind(state, claim.key, claim.generation)
		.run();
}
