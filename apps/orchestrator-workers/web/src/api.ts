/** JSON calls to the API, with the user's key; failures become an `ApiError`. */
import { ApiError } from "./api-error";
import { askForKey, authHeaders } from "./api-key";

/** Calls the API with an optional JSON body; resolves with the JSON answer, or throws ApiError. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
	const headers: Record<string, string> = { accept: "application/json", ...authHeaders() };
	const init: RequestInit = { method, headers };
	if (body !== undefined) {
		headers["content-type"] = "application/json";
		init.body = JSON.stringify(body);
	}
	let res: Response;
	try {
		res = await fetch(path, init);
	} catch (error) {
		throw new ApiError(0, "network", `The server could not be reached (${(error as Error).message}).`);
	}
	const text = await res.text();
	let json: unknown = null;
	try {
		json = text ? JSON.parse(text) : null;
	} catch (_error) {
		// Not JSON (a proxy's error page, say): the status line below describes the failure.
	}
	if (!res.ok) {
		if (res.status === 401) askForKey();
		const error = errorBody(json);
		const message = error?.message || `HTTP ${res.status} ${res.statusText}`;
		throw new ApiError(res.status, error?.code ?? `http-${res.status}`, message, error?.details);
	}
	// The API's answers are described by its OpenAPI document; the page trusts its own server.
	return json as T;
}

/** The `error` of an API error body, if the body is one. */
function errorBody(json: unknown): { code?: string; message?: string; details?: unknown } | null {
	if (typeof json !== "object" || json === null || !("error" in json)) return null;
	const { error } = json;
	if (typeof error !== "object" || error === null) return null;
	return {
		code: "code" in error && typeof error.code === "string" ? error.code : undefined,
		message: "message" in error && typeof error.message === "string" ? error.message : undefined,
		details: "details" in error ? error.details : undefined,
	};
}
