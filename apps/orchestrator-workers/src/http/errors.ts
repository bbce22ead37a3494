/**
 * The API's error handler: the shared one (`@ow/http-errors`), told about OrchestratorError and the
 * Worker's log.
 */
import { createErrorHandler } from "@ow/http-errors";
import type { Context } from "hono";
import { OrchestratorError } from "../errors";
import { logEvent } from "../log";

/** `app.onError`: the only place errors become status codes. */
export const onError = createErrorHandler({
	appError: (error) => (error instanceof OrchestratorError ? error : undefined),
	// 501 is the platform saying no (restart from a step locally), not a fault of ours.
	logs: (error) => error.status >= 500 && error.status !== 501,
	log: logError,
	internalMessage: "Internal error; the server log has the details.",
});

function logError(c: Context, error: unknown) {
	logEvent(
		{
			msg: "request failed",
			method: c.req.method,
			path: c.req.path,
			error: String(error),
			stack: error instanceof Error ? error.stack : undefined,
		},
		"error",
	);
}
