/**
 * Routes that take a JSON body refuse any other media type with 415. Without this check a body sent as
 * text/plain or form data (what `curl -d` sends) is read as an empty object, and the client is told
 * its prompt is missing when it is there.
 */
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { readConfig } from "../config";
import { OrchestratorError } from "../errors";
import type { AppEnv } from "./app-env";
import { errorResponse } from "@ow/http-errors";

/** application/json and the structured `application/*+json` types, parameters (charset) aside. */
const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;

/** True when a Content-Type header names JSON. */
export function isJsonContentType(header: string | undefined): boolean {
	return JSON_MEDIA_TYPE.test(header?.split(";")[0]?.trim() ?? "");
}

/** Hono middleware: 415 `{error: {code: "unsupported-media-type"}}` unless the body is declared JSON. */
export const requireJson: MiddlewareHandler<AppEnv> = async (c, next) => {
	if (isJsonContentType(c.req.header("Content-Type"))) return next();
	return errorResponse(
		c,
		415,
		"unsupported-media-type",
		"The request body must be JSON: send it with Content-Type: application/json.",
	);
};

/** Rejects bodies over MAX_BODY_BYTES (or `factor` times it, for batches) with a 413 before parsing. */
export const limitBody =
	(factor = 1): MiddlewareHandler<AppEnv> =>
	(c, next) => {
		const maxSize = readConfig(c.env).maxBodyBytes * factor;
		return bodyLimit({
			maxSize,
			onError: () => {
				throw new OrchestratorError("body-too-large", `The request body is larger than ${maxSize} bytes.`);
			},
		})(c, next);
	};
