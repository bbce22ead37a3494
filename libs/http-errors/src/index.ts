/**
 * The one error shape both Workers' HTTP surfaces answer with, `{error: {code, message, details?}}`,
 * for every error path: the app's own errors, Hono's HTTPExceptions (malformed JSON, body limit),
 * validation failures, 404 and 405. Each app supplies what it knows about its own error class and how
 * it logs; the shapes and codes are the same everywhere.
 */
import type { Context, Env as HonoEnv, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { z } from "zod";

/** Builds an error response. */
export function errorResponse(
	c: Context,
	status: ContentfulStatusCode,
	code: string,
	message: string,
	details?: unknown,
) {
	return c.json({ error: { code, message, ...(details === undefined ? {} : { details }) } }, status);
}

/** Codes for the statuses Hono's own HTTPExceptions carry. */
const CODE_BY_STATUS: Record<number, string> = {
	400: "invalid-request",
	404: "not-found",
	405: "method-not-allowed",
	413: "body-too-large",
};

/** What an app's own error class tells the handler: enough to answer, and whether to log. */
export interface AppError {
	status: number;
	code: string;
	message: string;
	details?: unknown;
	/** Sent as `Retry-After`. */
	retryAfterSeconds?: number;
}

export interface ErrorHandlerOptions {
	/** The app's own error, or undefined for anything else. */
	appError: (error: unknown) => AppError | undefined;
	/** Whether an app error is worth a log line (server faults are; a 404 is not). */
	logs: (error: AppError) => boolean;
	log: (c: Context, error: unknown) => void;
	/** What an unclassified error answers with: never its message, which may hold internals. */
	internalMessage: string;
}

/** Builds `app.onError`: the only place errors become status codes. */
export function createErrorHandler(options: ErrorHandlerOptions): ErrorHandler {
	return (error, c) => {
		const known = options.appError(error);
		if (known) {
			if (options.logs(known)) options.log(c, error);
			if (known.retryAfterSeconds !== undefined) c.header("Retry-After", String(known.retryAfterSeconds));
			return errorResponse(c, known.status as ContentfulStatusCode, known.code, known.message, known.details);
		}
		if (error instanceof HTTPException) {
			const status = error.status as ContentfulStatusCode;
			return errorResponse(c, status, CODE_BY_STATUS[status] ?? "http-error", error.message || "Request failed");
		}
		options.log(c, error);
		return errorResponse(c, 500, "internal", options.internalMessage);
	};
}

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
		const summary = issues.map((i) => `${i.path || "body"}: ${i.message}`).join("; ");
		return errorResponse(c, 400, "invalid-request", `Invalid request: ${summary}`, issues);
	}
}
