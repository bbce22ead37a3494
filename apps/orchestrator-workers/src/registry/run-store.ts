/**
 * A run's store (run-store-object.ts) as a `D1Database`: the registry's queries about one run, given
 * this instead of `env.DB`, run in the run's own Durable Object. One batch is one call to the object
 * and one transaction there.
 */
import { waitUntil } from "cloudflare:workers";
import { logEvent } from "../log";
import { sqlDatabase } from "./sql-database";

/** The RunEvents object of run `runId`: its store, its live progress. */
export function runObject(env: Pick<Env, "RUN_EVENTS">, runId: string): ReturnType<Env["RUN_EVENTS"]["get"]> {
	return env.RUN_EVENTS.get(env.RUN_EVENTS.idFromName(runId));
}

/**
 * Opens the stores of runs just registered, in the background: a store opens on first use by copying
 * the run from D1, which would otherwise be the work of the run's first step, between its start and
 * its model call. Best effort: a store that did not open here opens on that first use as before.
 */
export function openRunStores(env: Pick<Env, "RUN_EVENTS">, runIds: string[]): void {
	for (const runId of runIds) {
		waitUntil(
			runObject(env, runId)
				.open(runId)
				.catch((error: unknown) =>
					logEvent({ msg: "opening the run's store failed", runId, error: String(error) }, "warn"),
				),
		);
	}
}

/** The store of run `runId`. */
export function runStore(env: Pick<Env, "RUN_EVENTS">, runId: string): D1Database {
	const object = runObject(env, runId);
	return sqlDatabase((batch) => object.sql(runId, batch));
}
