/**
 * Errors of the browser harness.
 *
 * - `BrowserHarnessErrorCode`: what went wrong, one member per cause a caller or the pool reacts to.
 * - `BrowserHarnessError`: the one error class, with `code`, `recoverable`, an HTTP `status` and `cause`.
 *
 * Errors never cross the RPC boundary as exceptions (RPC keeps a thrown error's message, not its
 * class): `toBrowseError` turns one into the `{code, message, retryable}` value of a `BrowseResult`.
 */
import type { BrowseErrorCode } from "@ow/schemas";

/** What went wrong inside the harness. */
export type BrowserHarnessErrorCode =
	| "invalid-request" // 400: the request broke the schema or the limits
	| "url-refused" // 403: scheme or address not allowed, before or during navigation
	| "not-found" // 404: no such artifact
	| "navigation-failed" // 502: unreachable host, DNS, connection refused, download instead of a page
	| "navigation-timeout" // 504: the page did not load within the request's timeout
	| "rate-limited" // 429 from Browser Rendering on launch (new browsers per second / concurrency)
	| "session-lost" // a pooled session could not be connected to or stopped answering
	| "session-unreplayable" // 409: an agent session's page is gone and rebuilding it could repeat a side effect
	| "browser-unavailable" // 503: no session could be had (limits, queue wait, pool closed)
	| "config-invalid" // 500: a var of the deployment has a value that cannot be used
	| "internal"; // 500: anything else

const STATUS: Record<BrowserHarnessErrorCode, number> = {
	"invalid-request": 400,
	"url-refused": 403,
	"not-found": 404,
	"navigation-failed": 502,
	"navigation-timeout": 504,
	"rate-limited": 429,
	"session-lost": 503,
	"session-unreplayable": 409,
	"browser-unavailable": 503,
	"config-invalid": 500,
	internal: 500,
};

const RECOVERABLE: ReadonlySet<BrowserHarnessErrorCode> = new Set([
	"navigation-failed",
	"navigation-timeout",
	"rate-limited",
	"session-lost",
	"browser-unavailable",
]);

/** Chromium network errors that mean "the host could not be reached", not "we gave up waiting". */
const NET_ERROR = /net::ERR_[A-Z_]+/;

/**
 * The harness's error: a code a caller can act on, whether retrying can help (`recoverable`), the
 * HTTP status it maps to, and the underlying `cause`.
 */
export class BrowserHarnessError extends Error {
	readonly code: BrowserHarnessErrorCode;
	readonly recoverable: boolean;
	readonly status: number;
	override readonly cause: unknown;

	constructor(code: BrowserHarnessErrorCode, message: string, options: { cause?: unknown } = {}) {
		super(message);
		this.name = "BrowserHarnessError";
		this.code = code;
		this.recoverable = RECOVERABLE.has(code);
		this.status = STATUS[code];
		this.cause = options.cause;
	}

	/** True for a `BrowserHarnessError`, also one built by another copy of this module. */
	static isInstance(error: unknown): error is BrowserHarnessError {
		return error instanceof Error && error.name === "BrowserHarnessError" && "code" in error;
	}

	/**
	 * Normalises anything thrown by puppeteer, the binding or our own code. Puppeteer's errors carry
	 * no codes, so the mapping reads their names and messages (stable across its versions).
	 */
	static fromUnknown(error: unknown): BrowserHarnessError {
		if (BrowserHarnessError.isInstance(error)) return error;
		const message = error instanceof Error ? error.message : String(error);
		const name = error instanceof Error ? error.name : "";
		if (/Unable to connect to existing session|Connection closed|Target closed|Session closed/i.test(message)) {
			return new BrowserHarnessError("session-lost", message, { cause: error });
		}
		const launch = /Unable to create new browser: code: (\d+)/.exec(message);
		if (launch) {
			const code = launch[1] === "429" ? "rate-limited" : "browser-unavailable";
			return new BrowserHarnessError(code, message, { cause: error });
		}
		if (name === "TimeoutError" || /Navigation timeout/i.test(message)) {
			return new BrowserHarnessError("navigation-timeout", message, { cause: error });
		}
		const net = NET_ERROR.exec(message);
		if (net) return new BrowserHarnessError("navigation-failed", `navigation failed: ${net[0]}`, { cause: error });
		return new BrowserHarnessError("internal", message, { cause: error });
	}

	/** Normalises a failed response from the Browser Rendering binding. */
	static async fromResponse(response: Response, context: string): Promise<BrowserHarnessError> {
		const body = (await response.text()).slice(0, 500);
		const message = `${context}: HTTP ${response.status}${body ? `: ${body}` : ""}`;
		if (response.status === 429) return new BrowserHarnessError("rate-limited", message);
		if (response.status === 404) return new BrowserHarnessError("not-found", message);
		return new BrowserHarnessError("browser-unavailable", message);
	}
}

/** The `BrowseResult` error a caller sees: internal codes fold into the public ones. */
export function toBrowseError(error: BrowserHarnessError): {
	code: BrowseErrorCode;
	message: string;
	retryable: boolean;
} {
	const code: BrowseErrorCode =
		error.code === "rate-limited" || error.code === "session-lost"
			? "browser-unavailable"
			: error.code === "session-unreplayable"
				? "session-lost"
				: error.code === "not-found" || error.code === "config-invalid"
					? "internal"
					: error.code;
	return { code, message: error.message, retryable: error.recoverable };
}
