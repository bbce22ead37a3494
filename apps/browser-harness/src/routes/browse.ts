/**
 * `POST /browse`: the RPC's `browse` over HTTP, for direct use and tests. The body is the
 * `BrowseResult`; a failed browse also gets a status that fits its code, and its body
 * (`{ok: false, error: {code, message, retryable}}`) is the usual error envelope.
 */
import { zValidator } from "@hono/zod-validator";
import { browseRequestSchema, type BrowseErrorCode } from "@ow/schemas";
import { Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { browse as runBrowse } from "../browse";
import { methodNotAllowed, validationHook } from "@ow/http-errors";

const STATUS: Record<BrowseErrorCode, ContentfulStatusCode> = {
	"invalid-request": 400,
	"url-refused": 403,
	"navigation-failed": 502,
	"navigation-timeout": 504,
	"browser-unavailable": 503,
	// Agent sessions only, which are driven over RPC; listed for completeness.
	"session-lost": 409,
	internal: 500,
};

/** The browse sub-app, mounted at `/browse`. */
export const browse = new Hono<{ Bindings: Env }>()
	.post("/", zValidator("json", browseRequestSchema, validationHook), async (c) => {
		const result = await runBrowse(c.env, c.req.valid("json"));
		return c.json(result, result.ok ? 200 : STATUS[result.error.code]);
	})
	.all("/", methodNotAllowed(["POST"]));
