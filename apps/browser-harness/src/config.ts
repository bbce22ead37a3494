/**
 * The harness's settings, read from its vars (`wrangler.jsonc`, `.dev.vars`, `--var`) with safe
 * defaults, so a missing or malformed var never takes the harness down.
 */
import { BROWSER_POOL_LIMITS } from "@ow/schemas";
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

/** Reads the harness's settings from its vars. */
export function readConfig(vars: HarnessVars): HarnessConfig {
	return {
		allowPrivateUrls: vars.ALLOW_PRIVATE_URLS?.trim().toLowerCase() === "true",
		allowedHosts: hostsVar(vars.ALLOWED_HOSTS),
		poolSize: intVar(vars.BROWSER_POOL_SIZE, 2, BROWSER_POOL_LIMITS.minSize, BROWSER_POOL_LIMITS.maxSize),
		maxTextChars: intVar(vars.MAX_TEXT_CHARS, 20_000, 500, 500_000),
		screenshotMaxBytes: intVar(vars.SCREENSHOT_MAX_BYTES, 600_000, 20_000, 700_000),
		sessionIdleMs: intVar(vars.SESSION_IDLE_MS, 60_000, 1_000, 600_000),
	};
}

/**
 * A comma-separated `host[:port]` list. A malformed entry (a wildcard, a path, a scheme) is left out:
 * it trusts nothing, which is the safe way to be wrong.
 */
function hostsVar(raw: string | undefined): ReadonlySet<string> {
	const entries = (raw ?? "").split(",").filter((entry) => entry.trim() !== "");
	return new Set(entries.flatMap((entry) => allowedHostKeys(entry) ?? []));
}

function intVar(raw: string | undefined, fallback: number, min: number, max: number): number {
	const value = raw === undefined || raw.trim() === "" ? Number.NaN : Number(raw);
	if (!Number.isInteger(value)) return fallback;
	return Math.min(max, Math.max(min, value));
}
