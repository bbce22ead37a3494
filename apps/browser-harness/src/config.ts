/**
 * The harness's settings, read from its vars (`wrangler.jsonc`, `.dev.vars`, `--var`). Like the
 * orchestrator's, an unset var takes its default and an unusable one fails loudly (`config-invalid`,
 * naming the var and what it must be) instead of silently falling back or being clamped.
 */
import { BROWSER_POOL_LIMITS } from "@ow/schemas";
import { BrowserHarnessError } from "./errors";
import { allowedHostKeys } from "./url-safety";

/** Settings of one harness deployment. */
export interface HarnessConfig {
	/** `ALLOW_PRIVATE_URLS=true`: loopback and private addresses may be opened (dev and tests only). */
	allowPrivateUrls: boolean;
	/**
	 * `ALLOWED_HOSTS`: private hosts that may be opened with private URLs off, as `hostname:port`
	 * keys (see `allowedHostKeys`). Empty by default.
	 */
	allowedHosts: ReadonlySet<string>;
	/** Pool size until `scalePool` sets another. */
	poolSize: number;
	/** Page text beyond this is cut, with a marker. */
	maxTextChars: number;
	/** Screenshots are re-encoded smaller until they fit. */
	screenshotMaxBytes: number;
	/** Idle pooled sessions are closed after this long. */
	sessionIdleMs: number;
}

/** The vars `readConfig` looks at; typed by shape so tests can pass plain objects. */
export interface HarnessVars {
	ALLOW_PRIVATE_URLS?: string;
	ALLOWED_HOSTS?: string;
	BROWSER_POOL_SIZE?: string;
	MAX_TEXT_CHARS?: string;
	SCREENSHOT_MAX_BYTES?: string;
	SESSION_IDLE_MS?: string;
}

/** Reads the harness's settings from its vars; an unusable value is a `config-invalid` error. */
export function readConfig(vars: HarnessVars): HarnessConfig {
	return {
		allowPrivateUrls: boolVar("ALLOW_PRIVATE_URLS", vars.ALLOW_PRIVATE_URLS),
		allowedHosts: hostsVar(vars.ALLOWED_HOSTS),
		poolSize: intVar(
			"BROWSER_POOL_SIZE",
			vars.BROWSER_POOL_SIZE,
			2,
			BROWSER_POOL_LIMITS.minSize,
			BROWSER_POOL_LIMITS.maxSize,
		),
		maxTextChars: intVar("MAX_TEXT_CHARS", vars.MAX_TEXT_CHARS, 20_000, 500, 500_000),
		screenshotMaxBytes: intVar("SCREENSHOT_MAX_BYTES", vars.SCREENSHOT_MAX_BYTES, 600_000, 20_000, 700_000),
		sessionIdleMs: intVar("SESSION_IDLE_MS", vars.SESSION_IDLE_MS, 60_000, 1_000, 600_000),
	};
}

const invalid = (message: string) => new BrowserHarnessError("config-invalid", message);

/** A comma-separated `host[:port]` list; an entry that is no such thing (a wildcard, a path, a scheme) is refused. */
function hostsVar(raw: string | undefined): ReadonlySet<string> {
	const entries = (raw ?? "").split(",").filter((entry) => entry.trim() !== "");
	return new Set(
		entries.flatMap((entry) => {
			const keys = allowedHostKeys(entry);
			if (keys === null) throw invalid(`ALLOWED_HOSTS entries must be host or host:port, got "${entry.trim()}".`);
			return keys;
		}),
	);
}

/** `"true"` or `"false"`; unset or empty is false. */
function boolVar(name: string, raw: string | undefined): boolean {
	const value = raw?.trim().toLowerCase();
	if (value === undefined || value === "" || value === "false") return false;
	if (value === "true") return true;
	throw invalid(`${name} must be "true" or "false", got "${raw}".`);
}

/** An integer from `min` to `max`; unset or empty is the default. */
function intVar(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
	if (raw === undefined || raw.trim() === "") return fallback;
	const value = Number(raw);
	if (!Number.isInteger(value) || value < min || value > max) {
		throw invalid(`${name} must be an integer from ${min} to ${max}, got "${raw}".`);
	}
	return value;
}
