/**
 * The harness's error handler: the shared one (`@ow/http-errors`), told about BrowserHarnessError.
 */
import { createErrorHandler } from "@ow/http-errors";
import type { Context } from "hono";
import { BrowserHarnessError } from "../errors";

/** `app.onError`: the only place errors become status codes. */
export const onError = createErrorHandler({
	appError: (error) => (BrowserHarnessError.isInstance(error) ? error : undefined),
	logs: (error) => error.status >= 500,
	log: logError,
	internalMessage: "Internal error; the harness log has the details.",
});

function logError(c: Context, error: unknown) {
	console.error(
		JSON.stringify({
			msg: "request failed",
			method: c.req.method,
			path: c.req.path,
			error: String(error),
			stack: error instanceof Error ? error.stack : undefined,
		}),
	);
}
