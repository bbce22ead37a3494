/**
 * A delayed run (options.startAt) sleeps durably before its plan step, with status `scheduled`; the
 * plan step's announce makes it `running`. A cancel meanwhile terminates the instance, so no model is
 * ever called.
 */
import { STEP, type Run } from "./run-context";

/** Milliseconds from the instance's creation to the run's start time; 0 when that time had passed. */
export function delayOf(startAt: string, created: Date | number | string): number {
	return Math.max(0, Date.parse(startAt) - new Date(created).getTime());
}

/**
 * Sleeps until the run's start time, if it has one (step `start-at`). The duration is counted from the
 * instance's creation, so every replay asks for the same sleep and finds it in the step cache:
 * sleepUntil would ask for a shorter one each time (a new sleep), and the local engine refuses a time
 * already past, which is what a replay after a restart asks for.
 */
export async function waitForStartTime(run: Pick<Run, "options" | "step">, created: Date): Promise<void> {
	if (run.options.startAt) await run.step.sleep(STEP.startAt, delayOf(run.options.startAt, created));
}
