/**
 * The API's one error shape, `{error: {code, message, details?}}`, for every error path: our own
 * errors, Hono's HTTPExceptions (malformed JSON, body limit), validation failures, 404 and 405.
 */
import type { Context, Env as HonoEnv, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { z } from "zod";
import { OrchestratorError } from "../errors";
import { logEvent } from "../log";

/** Builds the error response. */
export function errorResponse(
	c: Context,
	status: ContentfulStatusCode,
	code: string,
	message: string,
	details?: unknown,
) {
	return c.json({ error: { code, message, ...(details === undefined ? {} : { details }) } }, status);
}

const CODE_BY_STATUS: Record<number, string> = {
	400: "invalid-request",
	404: "not-found",
	405: "method-not-allowed",
	413: "body-too-large",
};

/** `app.onError`: the only place errors become status codes. */
export const onError: ErrorHandler = (error, c) => {
	if (error instanceof OrchestratorError) {
		if (error.status >= 500 && error.status !== 501) logError(c, error);
		if (error.retryAfterSeconds !== undefined) c.header("Retry-After", String(error.retryAfterSeconds));
		return errorResponse(c, error.status as ContentfulStatusCode, error.code, error.message, error.details);
	}
	if (error instanceof HTTPException) {
		const status = error.status as ContentfulStatusCode;
		return errorResponse(c, status, CODE_BY_STATUS[status] ?? "http-error", error.message || "Request failed");
	}
	logError(c, error);
	return errorResponse(c, 500, "internal", "Internal error; the server log has the details.");
};

/** `app.notFound`. */
export const onNotFound: NotFoundHandler = (c) =>
	errorResponse(c, 404, "not-found", `No route for ${c.req.method} ${c.req.path}.`);

/** A handler for the other methods of a route: 405 with the Allow header. */
export function methodNotAllowed(allowed: string[]) {
	return (c: Context) => {
		c.header("Allow", allowed.join(", "));
		return errorResponse(
			c,
			405,
			"method-not-allowed",
			`${c.req.method} is not allowed here; use ${allowed.join(" or ")}.`,
		);
	};
}

/** zValidator hook: a failed validation is a 400 with the zod issues as details. */
export function validationHook<E extends HonoEnv>(
	result: { success: true } | { success: false; error: { issues: z.core.$ZodIssue[] } },
	c: Context<E>,
) {
	if (!result.success) {
		const issues = result.error.issues.map((i) => ({ path: i.path.join("."), message: i.message, code: i.code }));
		return errorResponse(
			c,
			400,
			"invalid-request",
			`Invalid request: ${issues.map((i) => `${i.path || "body"}: ${i.message}`).join("; ")}`,
			issues,
		);
	}
}

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
