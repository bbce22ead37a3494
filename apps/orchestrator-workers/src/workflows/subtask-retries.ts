/**
 * Live clients hear of a subtask's failed attempt that will be retried (`subtask.retried`), while the
 * step's retry waits; the registry counts the attempts themselves when they start.
 */
import type { Subtask } from "@ow/schemas";
import { OrchestratorError } from "../errors";
import { logEvent } from "../log";
import { recordAttemptRetried } from "../registry/run-registry";
import { now, type Run } from "./run-context";
import { runStore } from "../registry/run-store";

/**
 * Runs one attempt of one of a subtask's steps; a failure that will be retried is told to live
 * clients, naming the step (`at.step`) when the subtask has more than one.
 */
export async function withRetryEvent<T>(
	env: Env,
	run: Run,
	task: Subtask,
	at: { attempt: number; step?: string },
	body: () => Promise<T>,
): Promise<T> {
	try {
		return await body();
	} catch (error) {
		const failure = OrchestratorError.fromUnknown(error);
		if (failure.recoverable && at.attempt <= run.config.subtask.retryLimit) {
			// Progress only: the retry happens whether or not this event is written.
			const info = { code: failure.code, message: failure.message };
			await recordAttemptRetried(runStore(env, run.id), run.id, task.id, at.attempt, info, now(), at.step).catch(
				(e: unknown) => logEvent({ msg: "event write failed", runId: run.id, error: String(e) }, "error"),
			);
		}
		throw failure;
	}
}
