/**
 * The shape of an operation's description (each route gives one, next to its handler: see
 * ./operation.ts) and the error responses every operation shares.
 */
import type { z } from "zod";
import type { ComponentName } from "./components";

/** A response: a description, and the body's media type and schema, if it has a body. */
export interface ResponseSpec {
	description: string;
	/** A component (sent as application/json), or a media type with an inline schema. */
	body?: ComponentName | { mediaType: string; schema: Record<string, unknown> };
	headers?: Record<string, { description: string; schema: Record<string, unknown> }>;
	/** Extension fields (`x-…`) of the response object. */
	extensions?: Record<`x-${string}`, unknown>;
}

/** One header parameter. */
export interface HeaderParam {
	name: string;
	description: string;
	required?: boolean;
	schema: Record<string, unknown>;
}

/** Statuses of the API's error envelope (`ApiError`). */
export type ErrorStatus = 400 | 404 | 409 | 413 | 429 | 501 | 503;

/**
 * One operation of the API. Its method and path are the route's own; its path parameters are
 * described from their names (see ./document.ts).
 */
export interface OperationSpec {
	operationId: string;
	tag: "runs" | "lifecycle" | "events" | "schedules" | "browser" | "operations" | "pages";
	summary: string;
	description?: string;
	/** Public: no API key needed (`security: []`), and so no 401. */
	public?: true;
	/** A zod object schema whose properties are the query parameters. */
	query?: z.ZodType;
	/** Query parameters described by hand (the route validates them itself). */
	extraQuery?: HeaderParam[];
	headers?: HeaderParam[];
	/** The JSON request body. */
	body?: ComponentName;
	responses: Record<number, ResponseSpec>;
	/**
	 * Error statuses beyond 401 (added for every non-public operation), 415 (for every one with a body),
	 * 431 and 500 (for every one).
	 */
	errors?: ErrorStatus[];
}

const retryAfter = {
	"Retry-After": { description: "Seconds to wait before trying again.", schema: { type: "integer", minimum: 0 } },
};

/** Descriptions of the error statuses, and headers some carry. */
export const ERROR_RESPONSES: Record<ErrorStatus | 401 | 415 | 431 | 500, ResponseSpec> = {
	400: { description: "Invalid request: the zod issues are in `error.details`.", body: "ApiError" },
	401: {
		description: "Missing or wrong API key (only when the deployment sets API_KEY).",
		body: "ApiError",
		headers: { "WWW-Authenticate": { description: "`Bearer`.", schema: { type: "string" } } },
	},
	404: { description: "Unknown run (or artifact).", body: "ApiError" },
	409: {
		description:
			"The run's state does not allow this; or an Idempotency-Key was reused with another body, or its first request is still starting the run (`request-in-progress`, with Retry-After).",
		body: "ApiError",
		headers: retryAfter,
	},
	413: { description: "The prompt or the body is too large.", body: "ApiError" },
	415: { description: "The body is not declared JSON (send Content-Type: application/json).", body: "ApiError" },
	429: { description: "Too many runs in flight (MAX_ACTIVE_RUNS).", body: "ApiError", headers: retryAfter },
	431: { description: "A header over 16 KiB, or headers over 32 KiB together.", body: "ApiError" },
	500: { description: "Internal or configuration error; the server log has the details.", body: "ApiError" },
	501: { description: "Not available on this platform.", body: "ApiError" },
	503: {
		description:
			"The browser harness did not answer; or the Workflow engine did not create the run (`run-not-started`: no run exists, retry, with the same Idempotency-Key if any); or admission is closed (`admission-closed`, `POST /admission`: the reason is in the message and `error.details.reason`; retry after Retry-After).",
		body: "ApiError",
		headers: retryAfter,
	},
};
