import { z } from "zod";

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
		/** Higher is served first when every session is busy. */
		priority: z.int().min(0).max(BROWSE_LIMITS.maxPriority).optional(),
		/** Groups stored artifacts (screenshots) under the run that made them. */
		runId: z.string().max(128).optional(),
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
	/** The HTTP status of the main document's first response, when there was one (for traces). */
	httpStatus: z.number().int().nullable().optional(),
});
export type BrowsedPage = z.infer<typeof browsedPageSchema>;

/** Why a browse failed. `retryable` tells the caller whether trying again can help. */
export const browseErrorCodeSchema = z.enum([
	"invalid-request", // the request broke the schema or the limits
	"url-refused", // scheme or address not allowed
	"navigation-failed", // unreachable host, DNS, connection refused
	"navigation-timeout", // the page did not load in time
	"browser-unavailable", // no session could be had (launch limits, pool closed)
	"session-lost", // agent mode: the session was lost and replaying could repeat a side effect (retryable false)
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
	}),
]);
export type BrowseResult = z.infer<typeof browseResultSchema>;
