import { z } from "zod";
import { agentResultSchema, agentStepSchema } from "./browser-agent";

/** Bounds of a browse request; the harness enforces them. */
export const BROWSE_LIMITS = Object.freeze({
	minTimeoutMs: 1_000,
	maxTimeoutMs: 120_000,
	defaultTimeoutMs: 30_000,
	maxIterations: 25,
	maxPriority: 9,
});

/** What the orchestrator asks the browser harness to do (`BrowserHarness.browse`). */
export const browseRequestSchema = z
	.object({
		url: z.string().min(1),
		goal: z.string().max(4000).optional(),
		screenshot: z.boolean().optional(),
		timeoutMs: z.int().min(BROWSE_LIMITS.minTimeoutMs).max(BROWSE_LIMITS.maxTimeoutMs).optional(),
		maxIterations: z.int().min(1).max(BROWSE_LIMITS.maxIterations).optional(),
		/** Higher is served first when every session is busy. */
		priority: z.int().min(0).max(BROWSE_LIMITS.maxPriority).optional(),
		/** Groups stored artifacts (screenshots) under the run that made them. */
		runId: z.string().max(128).optional(),
		/**
		 * Agent mode: origins (`https://docs.example.com`) the agent may go to besides the start URL's;
		 * anything else is refused. Read mode ignores it.
		 */
		allowedOrigins: z.array(z.string().max(200)).max(20).optional(),
	})
	.strict();
export type BrowseRequest = z.infer<typeof browseRequestSchema>;

/** A link found on the page. */
export const pageLinkSchema = z.object({ text: z.string(), href: z.string() });
export type PageLink = z.infer<typeof pageLinkSchema>;

/** The page as the harness read it. */
export const browsedPageSchema = z.object({
	requestedUrl: z.string(),
	finalUrl: z.string(),
	title: z.string(),
	text: z.string(),
	/** True when `text` was cut to the harness's configured size. */
	truncated: z.boolean(),
	links: z.array(pageLinkSchema),
	/** R2 key of the screenshot, when one was asked for. */
	screenshotKey: z.string().nullable(),
	/** Set when the page is a bot challenge or a block page rather than content. */
	blocked: z.object({ kind: z.enum(["challenge", "blocked"]), reason: z.string() }).nullable(),
	/** Agent mode only: the answer and the actions taken; the other fields describe the final page. */
	agent: agentResultSchema.nullable().optional(),
});
export type BrowsedPage = z.infer<typeof browsedPageSchema>;

/** Why a browse failed. `retryable` tells the caller whether trying again can help. */
export const browseErrorCodeSchema = z.enum([
	"invalid-request", // the request broke the schema or the limits
	"url-refused", // scheme or address not allowed
	"navigation-failed", // unreachable host, DNS, connection refused
	"navigation-timeout", // the page did not load in time
	"browser-unavailable", // no session could be had (launch limits, pool closed)
	"agent-max-iterations", // agent mode: maxIterations used up without done (retryable false)
	"agent-invalid-action", // agent mode: two invalid or refused actions in a row (retryable false)
	"internal", // anything else
]);
export type BrowseErrorCode = z.infer<typeof browseErrorCodeSchema>;

/**
 * The result of a browse. Errors are values, not thrown: RPC keeps a thrown error's message but not
 * its class or fields, and the orchestrator needs the code to decide whether to retry.
 */
export const browseResultSchema = z.discriminatedUnion("ok", [
	z.object({ ok: z.literal(true), page: browsedPageSchema }),
	z.object({
		ok: z.literal(false),
		error: z.object({ code: browseErrorCodeSchema, message: z.string(), retryable: z.boolean() }),
		/** Agent mode: the steps taken before the failure. */
		actions: z.array(agentStepSchema).optional(),
	}),
]);
export type BrowseResult = z.infer<typeof browseResultSchema>;
