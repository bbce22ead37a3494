/**
 * The local Workflow engine stops a paused (or terminated) instance's code by making its pending
 * step calls throw "Aborting engine: …". That is not the run failing: the instance resumes later
 * from its step cache. A Workflow that caught it as a failure would record the run as errored (its
 * record steps still run), so recovery's pause + resume would end the very run it rescues.
 */

/**
 * The engine's abort error inside `error` (itself or a cause), or undefined. Rethrow that one, not
 * a wrapper: the engine recognises its own error and pauses the instance instead of failing it.
 */
export function engineAbortIn(error: unknown): unknown {
	// By shape: the error comes from the engine's isolate, so it may not be this isolate's Error.
	let e: unknown = error;
	for (let depth = 0; typeof e === "object" && e !== null && depth < 5; depth++) {
		const { message, cause } = e as { message?: unknown; cause?: unknown };
		if (typeof message === "string" && message.startsWith("Aborting engine:")) return e;
		e = cause;
	}
	return undefined;
}
