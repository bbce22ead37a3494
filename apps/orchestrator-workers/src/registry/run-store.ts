/**
 * A run's store (run-store-object.ts) as a `D1Database`: the registry's queries about one run, given
 * this instead of `env.DB`, run in the run's own Durable Object. One batch is one call to the object
 * and one transaction there.
 */
import { sqlDatabase } from "./sql-database";

/** The store of run `runId`. */
export function runStore(env: Pick<Env, "RUN_EVENTS">, runId: string): D1Database {
	const object = env.RUN_EVENTS.get(env.RUN_EVENTS.idFromName(runId));
	return sqlDatabase((batch) => object.sql(runId, batch));
}
