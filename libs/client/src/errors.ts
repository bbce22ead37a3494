/**
 * Errors as values: every call answers a `Result`, either the response body or the API's error body
 * with the HTTP status. `unwrap` turns a failed result into a thrown `OwApiError` for callers that
 * prefer exceptions.
 */
import type { ApiErrorBody } from "./types.ts";

export type Result<T> =
	| { ok: true; data: T; status: number; response: Response }
	| { ok: false; error: ApiErrorBody["error"]; status: number; response: Response };

/** A failed API call: the server's code and message, and the HTTP status. */
export class OwApiError extends Error {
	override readonly name = "OwApiError";
	readonly status: number;
	readonly code: string;
	readonly details: unknown;

	constructor(status: number, code: string, message: string, details?: unknown) {
		super(message);
		this.status = status;
		this.code = code;
		this.details = details;
	}

	static isInstance(error: unknown): error is OwApiError {
		return error instanceof Error && error.name === "OwApiError";
	}
}

/** The data of a successful result; throws `OwApiError` otherwise. */
export function unwrap<T>(result: Result<T>): T {
	if (result.ok) return result.data;
	throw new OwApiError(result.status, result.error.code, result.error.message, result.error.details);
}

/** What openapi-fetch answers: the typed body, or the error body, and the response. */
interface FetchAnswer<T> {
	data?: T;
	error?: unknown;
	response: Response;
}

/**
 * Normalises an openapi-fetch answer. An error body that is not the API's shape (a proxy's HTML page,
 * an empty 503) still becomes `{code: "http-<status>", message}`, so callers handle one shape.
 */
export async function settle<T>(call: Promise<FetchAnswer<T>>): Promise<Result<T>> {
	const { data, error, response } = await call;
	const status = response.status;
	if (response.ok) return { ok: true, data: data as T, status, response };
	if (isApiError(error)) return { ok: false, error: error.error, status, response };
	const text = typeof error === "string" && error ? error : response.statusText;
	return { ok: false, error: { code: `http-${status}`, message: `HTTP ${status}: ${text}` }, status, response };
}

function isApiError(body: unknown): body is ApiErrorBody {
	if (typeof body !== "object" || body === null || !("error" in body)) return false;
	const error = (body as { error: unknown }).error;
	return typeof error === "object" && error !== null && "code" in error && "message" in error;
}
