/**
 * CORS for browser clients on other origins, configured by the optional variable `CORS_ORIGINS`:
 * a comma-separated list of origins (`https://a.example,https://b.example`), or `*` for any. Unset,
 * no CORS headers are sent and browsers keep cross-origin pages out.
 */
import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { OrchestratorError } from "../errors";
import { workerVar } from "../worker-vars";
import type { AppEnv } from "./app-env";

/** Request headers a cross-origin client may send: the key, JSON bodies, idempotent retries, SSE resumption. */
export const CORS_ALLOW_HEADERS = ["Authorization", "Content-Type", "Idempotency-Key", "Last-Event-ID"];
/** Response headers a cross-origin client may read: where a new run lives, and how long to back off. */
export const CORS_EXPOSE_HEADERS = ["Location", "Retry-After"];

/** The allowed origins from `CORS_ORIGINS`: `"*"`, a list, or null when CORS is off. */
export function parseCorsOrigins(raw: string | undefined): "*" | string[] | null {
	if (raw === undefined || raw.trim() === "") return null;
	if (raw.trim() === "*") return "*";
	const origins = raw
		.split(",")
		.map((o) => o.trim())
		.filter((o) => o !== "");
	for (const origin of origins) {
		// An origin is scheme://host[:port], no path: a typo here would silently allow nothing.
		if (!/^https?:\/\/[^/\s]+$/.test(origin)) {
			throw new OrchestratorError(
				"config-invalid",
				`CORS_ORIGINS must be "*" or comma-separated origins like https://app.example, got "${origin}".`,
			);
		}
	}
	return origins;
}

// One hono/cors handler per distinct setting: the variable is per deployment, so this holds one entry.
const handlers = new Map<string, MiddlewareHandler>();

/**
 * Hono middleware: CORS headers per `CORS_ORIGINS`, and preflights (`OPTIONS`) answered here with 204,
 * before authentication. Mount it first.
 */
export const corsMiddleware: MiddlewareHandler<AppEnv> = async (c, next) => {
	const raw = workerVar(c.env, "CORS_ORIGINS");
	if (raw !== undefined && typeof raw !== "string")
		throw new OrchestratorError(
			"config-invalid",
			"CORS_ORIGINS must be a string: a comma-separated list of origins, or *.",
		);
	const origins = parseCorsOrigins(raw);
	if (raw === undefined || origins === null) return next();
	let handler = handlers.get(raw);
	if (!handler) {
		handler = cors({
			origin: origins,
			allowMethods: ["GET", "HEAD", "POST", "DELETE"],
			allowHeaders: CORS_ALLOW_HEADERS,
			exposeHeaders: CORS_EXPOSE_HEADERS,
			maxAge: 600,
		});
		handlers.set(raw, handler);
	}
	return handler(c, next);
};
