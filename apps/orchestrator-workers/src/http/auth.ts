/**
 * API-key authentication: when the Worker secret `API_KEY` is set, every request but the public ones
 * (liveness, the web pages, CORS preflights) must carry `Authorization: Bearer <key>`.
 *
 * Set the key with `wrangler secret put API_KEY -e <env>` (or `.dev.vars` locally); unset, the API is
 * open, as in local development.
 */
import type { Context, MiddlewareHandler } from "hono";
import { OrchestratorError } from "../errors";
import type { AppEnv } from "./app-env";
import { errorResponse } from "@ow/http-errors";
import { prefersHtml } from "./prefers-html";

/** The only path that also takes the key as `?access_token=`: browsers' EventSource and WebSocket cannot set headers. */
const EVENTS_PATH = /^\/[^/]+\/events$/;

/**
 * Requests that need no key: `GET /health`, the web pages (their HTML and scripts hold no data; the
 * pages ask for the key themselves), and CORS preflights (browsers never send credentials on those).
 */
export function isPublicRequest(c: Context): boolean {
	const { method, path } = c.req;
	if (method === "OPTIONS" && c.req.header("Access-Control-Request-Method") !== undefined) return true;
	if (method !== "GET" && method !== "HEAD") return false;
	if (path === "/health" || path === "/ui" || path.startsWith("/ui/")) return true;
	if (path === "/docs" || path.startsWith("/docs/")) return true;
	// The same test the web page's route uses to answer `GET /` with the page instead of the API.
	return path === "/" && prefersHtml(c);
}

/**
 * Hono middleware: 401 `{error: {code: "unauthorized"}}` with `WWW-Authenticate: Bearer` unless the
 * request is public or presents the key. Mount it after CORS (so preflights and 401s carry CORS
 * headers) and before every route.
 */
export const requireApiKey: MiddlewareHandler<AppEnv> = async (c, next) => {
	// wrangler types every secret as a string, but an unset one is simply absent.
	const key: string | undefined = c.env.API_KEY;
	if (key === undefined || isPublicRequest(c)) return next();
	// A blank secret is a deployment mistake; failing open or locking everyone out silently would both hide it.
	if (key.trim() === "")
		throw new OrchestratorError("config-invalid", "API_KEY is set but empty; set a key or delete the secret.");
	const presented =
		bearerToken(c.req.header("Authorization")) ??
		(c.req.method === "GET" && EVENTS_PATH.test(c.req.path) ? c.req.query("access_token") : undefined);
	if (presented !== undefined && presented !== "" && (await keysEqual(presented, key))) return next();
	c.header(
		"WWW-Authenticate",
		presented === undefined ? 'Bearer realm="orchestrator"' : 'Bearer realm="orchestrator", error="invalid_token"',
	);
	return errorResponse(
		c,
		401,
		"unauthorized",
		presented === undefined ? "This API needs a key: send Authorization: Bearer <API_KEY>." : "The API key is wrong.",
	);
};

/** The token of an `Authorization: Bearer <token>` header (scheme case-insensitive, RFC 6750). */
export function bearerToken(header: string | undefined): string | undefined {
	return header?.match(/^Bearer[ ]+(\S+)[ ]*$/i)?.[1];
}

/**
 * Constant-time key comparison. Both sides are hashed first, so the compared buffers always have the
 * same length and neither the key's length nor a common prefix shows in the timing.
 */
export async function keysEqual(presented: string, expected: string): Promise<boolean> {
	const encoder = new TextEncoder();
	const [a, b] = await Promise.all([
		crypto.subtle.digest("SHA-256", encoder.encode(presented)),
		crypto.subtle.digest("SHA-256", encoder.encode(expected)),
	]);
	return crypto.subtle.timingSafeEqual(a, b);
}
