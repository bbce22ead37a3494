/**
 * The cancel checks of a run's parallel steps, joined. Each call step's first round trip reads the
 * run's flags (cancelled? watched?) and claims the run for this engine, with the writes announcing
 * its attempt. Steps of a wave asking while one check is in flight now share the next: one read of
 * the flags and one claim for all of them, with every step's announcing writes, in one transaction.
 * They all get the same answer, which is as fresh as each would have had on its own.
 *
 * A joined check that fails is retried step by step, so one step's failing write fails only that step.
 */
import { readGateAndAnnounce, type RunGate } from "./lifecycle";

/** Steps per joined check: a wave's worth, and a batch well inside D1's limits. */
const MAX_STEPS = 32;

interface Waiting {
	announce: D1PreparedStatement[];
	resolve: (gate: RunGate) => void;
	reject: (error: unknown) => void;
}

/** The joined check of run `runId`: call it with a step's announcing writes. */
export function joinedGate(db: D1Database, runId: string): (announce: D1PreparedStatement[]) => Promise<RunGate> {
	const queue: Waiting[] = [];
	let draining = false;

	const check = async (taken: Waiting[]) => {
		try {
			const gate = await readGateAndAnnounce(
				db,
				runId,
				taken.flatMap((w) => w.announce),
			);
			for (const w of taken) w.resolve(gate);
		} catch (error) {
			if (taken.length === 1) return taken[0]!.reject(error);
			await Promise.all(taken.map((w) => readGateAndAnnounce(db, runId, w.announce).then(w.resolve, w.reject)));
		}
	};

	const drain = async () => {
		while (queue.length > 0) await check(queue.splice(0, MAX_STEPS));
		draining = false;
	};

	return (announce) =>
		new Promise<RunGate>((resolve, reject) => {
			queue.push({ announce, resolve, reject });
			if (draining) return;
			draining = true;
			queueMicrotask(() => void drain());
		});
}
