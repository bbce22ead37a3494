/**
 * The push side of live progress: the Workflow tells the run's RunEvents object that the log grew.
 */
import { messageOf } from "../errors";
import { logEvent } from "../log";

/**
 * Asks the run's {@link RunEvents} object to send its WebSocket clients the events the log gained.
 * Call it after a write to the event log (inside the same step, after the write). Resolves once the
 * events written before the call were sent; cheap when no client is connected.
 *
 * Best effort, never throws: the events are already in the log, and the object's alarm delivers
 * them within seconds anyway, so a failed notify must not fail the step and make it retry work that
 * succeeded. Safe to repeat (a replayed step calls it again): each socket only gets what it has not had.
 */
export async function notifyProgress(env: Env, runId: string): Promise<void> {
	try {
		await env.RUN_EVENTS.get(env.RUN_EVENTS.idFromName(runId)).notify();
	} catch (error) {
		logEvent({ msg: "progress notify failed", runId, error: messageOf(error) }, "warn");
	}
}
