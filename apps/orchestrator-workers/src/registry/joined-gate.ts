/**
 * The cancel checks of a run's parallel steps, joined. Each call step's first round trip reads the
 * run's cancel flag and claims the run for this engine, with the writes announcing
 * its attempt. Steps of a wave asking while one check is in flight now share the next (joined-calls.ts),
 * and a wave's steps that say so wait for each other's checks before the first leaves: one read of the
 * flags and one claim for all of them, with every step's announcing writes, in one transaction. They
 * all get the same answer, which is as fresh as each would have had on its own.
 *
 * A joined check that fails is retried step by step, so one step's failing write fails only that step.
 */
import { joinedCalls, type JoinOptions } from "./joined-calls";
import { readGateAndAnnounce, type RunGate } from "./lifecycle";

/** Steps per joined check: a wave's worth, and a batch well inside D1's limits. */
const MAX_STEPS = 32;

/** The joined check of run `runId`: call it with a step's announcing writes. */
export function joinedGate(
	db: D1Database,
	runId: string,
): (announce: D1PreparedStatement[], options?: JoinOptions) => Promise<RunGate> {
	return joinedCalls<D1PreparedStatement[], RunGate>({
		take: (waiting) => Math.min(waiting.length, MAX_STEPS),
		joined: async (announces) => {
			const gate = await readGateAndAnnounce(db, runId, announces.flat());
			return announces.map(() => gate);
		},
		alone: (announce) => readGateAndAnnounce(db, runId, announce),
	});
}
