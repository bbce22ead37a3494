/**
 * A run's store (run-store-object.ts) as a `D1Database`: the registry's queries about one run, given
 * this instead of `env.DB`, run in the run's own Durable Object. One batch is one call to the object
 * and one transaction there.
 */
import { sqlDatabase } from "./sql-database";

/** The RunEvents object of run `runId`: its store, its live progress. */
export function runObject(env: Pick<Env, "RUN_EVENTS">, runId: string): ReturnType<Env["RUN_EVENTS"]["get"]> {
	return env.RUN_EVENTS.get(env.RUN_EVENTS.idFromName(runId));
}

/** The store of run `runId`. */
export function runStore(env: Pick<Env, "RUN_EVENTS">, runId: string): D1Database {
	const object = runObject(env, runId);
	return sqlDatabase((batch) => object.sql(runId, batch));
}
