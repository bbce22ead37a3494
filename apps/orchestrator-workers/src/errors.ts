/**
 * Errors of the orchestrator, one class with a code per failure kind:
 *
 * - OrchestratorError: every failure the product reports, in a run (`error.code` in the status) or
 *   over HTTP (`{error: {code, message}}`).
 *
 * Codes say what failed; `recoverable` says whether retrying the same work can help, which decides
 * between a step retry and a NonRetryableError.
 */
import { APICallError, NoObjectGeneratedError } from "ai";
import type { AttemptUsage } from "@ow/schemas";

/** What the model calls of a failed attempt spent, so the run counts it (see registry/usage-ledger.ts). */
export type Spent = Pick<AttemptUsage, "usage" | "unknownCalls">;

export type OrchestratorErrorCode =
	| "invalid-request" // 400: the body or a query broke the schema
	| "prompt-too-large" // 413: a prompt over MAX_PROMPT_CHARS
	| "body-too-large" // 413: a request body over MAX_BODY_BYTES (or its multiple for batches)
	| "not-found" // 404: unknown run or route
	| "method-not-allowed" // 405
	| "config-invalid" // a variable of the deployment has a value that cannot be used
	| "model-not-configured" // no provider can be built from the configuration
	| "model-unreachable" // the model server did not answer (connection refused, DNS, timeout)
	| "model-rate-limited" // 429 from the model provider
	| "model-error" // 5xx or an unusable answer from the provider
	| "model-rejected" // 4xx other than 429: retrying the same call cannot help
	| "plan-invalid" // the plan failed validation after one repair attempt
	| "browser-unavailable" // the browser harness could not be reached or had no session
	| "browser-failed" // the harness reported a retryable browse failure
	| "url-refused" // the harness refused the URL (scheme or private address)
	| "page-blocked" // the page is a bot challenge or block page, not content
	| "agent-max-iterations" // an agentic browser subtask used all its iterations without finishing
	| "agent-invalid-action" // the agent's model chose a refused or unusable action twice in a row
	| "session-lost" // an agentic subtask's browser session was lost, and rebuilding its page could repeat an action
	| "subtask-failed" // a subtask failed after its retries (failFast ends the run with this)
	| "budget-exceeded" // the run's next model call did not fit its budget (options.budget)
	| "cancelled" // DELETE /:id: no new model or browser work starts
	| "plan-rejected" // POST /:id/approve with approved: false
	| "approval-timeout" // nobody approved the plan in time
	| "conflict" // 409: the transition is impossible in the run's state, or an idempotency key was reused
	| "too-many-runs" // 429: MAX_ACTIVE_RUNS runs are in flight
	| "request-in-progress" // 409: another request with the same Idempotency-Key is still starting its run
	| "admission-closed" // 503: POST /admission closed admission; no new run starts until it reopens
	| "run-not-started" // 503: the Workflow engine did not create the run's instance; nothing was started
	| "not-supported" // 501: the platform does not offer this here (e.g. restart from a step locally)
	| "internal"; // a bug: anything not classified above

const HTTP_STATUS: Partial<Record<OrchestratorErrorCode, number>> = {
	"invalid-request": 400,
	"prompt-too-large": 413,
	"body-too-large": 413,
	"not-found": 404,
	"method-not-allowed": 405,
	conflict: 409,
	"too-many-runs": 429,
	"request-in-progress": 409,
	"admission-closed": 503,
	"run-not-started": 503,
	"not-supported": 501,
	"browser-unavailable": 503,
};

export class OrchestratorError extends Error {
	override readonly name = "OrchestratorError";
	readonly code: OrchestratorErrorCode;
	/** True when the same work may succeed if tried again. */
	readonly recoverable: boolean;
	/** Seconds the provider asked us to wait (429 Retry-After), when it said. */
	readonly retryAfterSeconds: number | undefined;
	readonly details: unknown;
	/** Set when model calls were made before the failure: their usage, or how many went unreported. */
	spent: Spent | undefined;

	constructor(
		code: OrchestratorErrorCode,
		message: string,
		options: {
			recoverable?: boolean;
			retryAfterSeconds?: number;
			details?: unknown;
			cause?: unknown;
			spent?: Spent;
		} = {},
	) {
		super(message, { cause: options.cause });
		this.code = code;
		this.recoverable = options.recoverable ?? false;
		this.retryAfterSeconds = options.retryAfterSeconds;
		this.details = options.details;
		this.spent = options.spent;
	}

	/** The HTTP status for this error at the API boundary. */
	get status(): number {
		return HTTP_STATUS[this.code] ?? 500;
	}

	/**
	 * Classifies any error thrown by a model call. `fix` is appended to "cannot reach" messages so the
	 * run's error says what to configure.
	 */
	static fromModelCall(error: unknown, fix: string): OrchestratorError {
		if (error instanceof OrchestratorError) return error;
		if (APICallError.isInstance(error)) {
			const status = error.statusCode;
			if (status === 429) {
				return new OrchestratorError(
					"model-rate-limited",
					`The model provider is rate limiting (429): ${error.message}`,
					{
						recoverable: true,
						retryAfterSeconds: parseRetryAfter(error.responseHeaders?.["retry-after"]),
						cause: error,
					},
				);
			}
			if (status === undefined) {
				return new OrchestratorError("model-unreachable", `Could not reach the model at ${error.url}. ${fix}`, {
					recoverable: true,
					cause: error,
				});
			}
			if (!error.isRetryable) {
				return new OrchestratorError(
					"model-rejected",
					`The model provider refused the call (${status}): ${error.message}`,
					{
						cause: error,
					},
				);
			}
			return new OrchestratorError("model-error", `The model provider failed (${status}): ${error.message}`, {
				recoverable: true,
				cause: error,
			});
		}
		if (NoObjectGeneratedError.isInstance(error)) {
			return new OrchestratorError("model-error", `The model's answer did not match the schema: ${error.message}`, {
				recoverable: true,
				cause: error,
			});
		}
		if (isConnectionError(error)) {
			return new OrchestratorError("model-unreachable", `Could not reach the model: ${messageOf(error)}. ${fix}`, {
				recoverable: true,
				cause: error,
			});
		}
		return OrchestratorError.fromUnknown(error);
	}

	/** Wraps anything thrown into an OrchestratorError, keeping ours as they are. */
	static fromUnknown(error: unknown): OrchestratorError {
		if (error instanceof OrchestratorError) return error;
		return new OrchestratorError("internal", messageOf(error), { recoverable: true, cause: error });
	}
}

/** The message of anything thrown. */
export function messageOf(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

/** Retry-After is either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
	if (!value) return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds) && seconds >= 0) return seconds;
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

function isConnectionError(error: unknown): boolean {
	const text = `${messageOf(error)} ${error instanceof Error && error.cause ? messageOf(error.cause) : ""}`;
	return /network connection lost|connection refused|ECONNREFUSED|fetch failed|dns|getaddrinfo|timed? ?out|ENOTFOUND/i.test(
		text,
	);
}
