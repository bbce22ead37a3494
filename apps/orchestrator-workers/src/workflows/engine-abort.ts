/**
 * The local Workflow engine stops a paused (or terminated) instance's code by making its pending
 * step calls throw "Aborting engine: …". That is not the run failing: the instance resumes later
 * from its step cache. A Workflow that caught it as a failure would record the run as errored (its
 * record steps still run), so recovery's pause + resume would end the very run it rescues.
 */
export function isEngineAbort(error: unknown): boolean {
	for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
		if (e.message.startsWith("Aborting engine:")) return true;
	}
	return false;
}
