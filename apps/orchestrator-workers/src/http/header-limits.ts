/**
 * Limits on the size of a request's headers, the same as Cloudflare's for Workers: at most 16 KiB per
 * header and 32 KiB in all (https://developers.cloudflare.com/workers/platform/limits/#request-limits).
 * The API enforces them itself so that `wrangler dev`, which hands the Worker heads of a few hundred
 * kilobytes, refuses what a deployment refuses, and with the API's JSON error instead of a bare 431.
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./app-env";
import { errorResponse } from "@ow/http-errors";

/** Largest single header, name and value, in bytes. */
export const MAX_HEADER_BYTES = 16 * 1024;
/** Largest sum of all headers, in bytes. */
export const MAX_HEADERS_TOTAL_BYTES = 32 * 1024;

/** Bytes a header takes on the wire: `name: value` and its line break. */
const headerBytes = (name: string, value: string) => name.length + value.length + 4;

/** What is too large about `headers`, or null when they are within the limits. */
export function headerLimitProblem(headers: Headers): string | null {
	let total = 0;
	for (const [name, value] of headers) {
		const bytes = headerBytes(name, value);
		if (bytes > MAX_HEADER_BYTES) {
			return `The ${name} header takes ${bytes} bytes; one header may take at most ${MAX_HEADER_BYTES}.`;
		}
		total += bytes;
	}
	if (total > MAX_HEADERS_TOTAL_BYTES) {
		return `The request's headers take ${total} bytes; together they may take at most ${MAX_HEADERS_TOTAL_BYTES}.`;
	}
	return null;
}

/**
 * Hono middleware: 431 `{error: {code: "headers-too-large"}}` for headers over the limits. Mount it right
 * after CORS (so browsers can read the answer) and before anything that reads a header.
 */
export const limitHeaders: MiddlewareHandler<AppEnv> = async (c, next) => {
	const problem = headerLimitProblem(c.req.raw.headers);
	if (problem === null) return next();
	return errorResponse(c, 431, "headers-too-large", problem);
};
