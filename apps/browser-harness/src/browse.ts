/**
 * The browse operation behind `BrowserHarness.browse` and `POST /browse`: validate, check the URL
 * (before any session is touched, so a refused address sees no traffic), borrow a pooled session,
 * read the page, give the session back, then store the screenshot. Expected failures come back as
 * `{ok: false, error}` values; nothing here throws. (Agentic browses are agent sessions, driven
 * step by step: `agent-session.ts`.)
 */
import { BROWSE_LIMITS, browseRequestSchema, type BrowseResult } from "@ow/schemas";
import { z } from "zod";
import { connectSession } from "./browser-client";
import { readConfig } from "./config";
import { BrowserHarnessError, toBrowseError } from "./errors";
import { readPage, type Screenshot } from "./page-reader";
import { withLeasedBrowser } from "./session-lease";
import { POOL_NAME } from "./session-pool";
import { assertUrlAllowed } from "./url-safety";

/** Longest a browse waits in the pool's queue for a session. */
export const QUEUE_WAIT_MS = 60_000;

/** Reads the page a request names. Never throws for expected failures. */
export async function browse(env: Env, input: unknown): Promise<BrowseResult> {
	const parsed = browseRequestSchema.safeParse(input);
	if (!parsed.success) return failure(new BrowserHarnessError("invalid-request", z.prettifyError(parsed.error)));
	const request = parsed.data;
	try {
		const config = readConfig(env);
		const policy = { allowPrivate: config.allowPrivateUrls, allowedHosts: config.allowedHosts };
		const url = assertUrlAllowed(request.url, policy);
		const pool = env.SESSION_POOL.getByName(POOL_NAME);
		const options = {
			timeoutMs: request.timeoutMs ?? BROWSE_LIMITS.defaultTimeoutMs,
			maxTextChars: config.maxTextChars,
			screenshot: request.screenshot ?? false,
			screenshotMaxBytes: config.screenshotMaxBytes,
			policy,
		};
		const reading = await withLeasedBrowser(
			{ pool, connect: (sessionId) => connectSession(env.BROWSER, sessionId) },
			{ priority: request.priority ?? 0, waitMs: QUEUE_WAIT_MS },
			(browser) => readPage(browser, url, options),
		);
		const { screenshot, ...page } = reading;
		const screenshotKey = screenshot
			? await storeScreenshot(env.ARTIFACTS, screenshot, request.runId, page.finalUrl)
			: null;
		return { ok: true, page: { requestedUrl: request.url, ...page, screenshotKey } };
	} catch (error) {
		return failure(BrowserHarnessError.fromUnknown(error));
	}
}

function failure(error: BrowserHarnessError): BrowseResult {
	if (error.code === "internal") {
		console.error(JSON.stringify({ msg: "browse failed", error: error.message, stack: error.stack }));
	}
	return { ok: false, error: toBrowseError(error) };
}

/** The R2 folder of a run's screenshots; run ids are reduced to a safe key segment. */
export function screenshotPrefix(runId: string | undefined): string {
	const segment = runId?.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 128);
	return `screenshots/${segment || "adhoc"}/`;
}

/** Stores a screenshot in R2 under the run's folder and returns its key. */
export async function storeScreenshot(
	bucket: R2Bucket,
	shot: Screenshot,
	runId: string | undefined,
	url: string,
): Promise<string> {
	const key = `${screenshotPrefix(runId)}${crypto.randomUUID()}.${shot.extension}`;
	await bucket.put(key, shot.bytes, {
		httpMetadata: { contentType: shot.contentType },
		customMetadata: { url: url.slice(0, 1024) },
	});
	return key;
}

const ARTIFACT_KEY = /^screenshots\/[A-Za-z0-9_-]{1,128}\/[0-9a-f-]{36}\.(jpg|png)$/;

/** A stored artifact, or null when the key is not one the harness writes or nothing is stored there. */
export async function readArtifact(
	bucket: R2Bucket,
	key: string,
): Promise<{ contentType: string; body: ArrayBuffer } | null> {
	if (!ARTIFACT_KEY.test(key)) return null;
	const object = await bucket.get(key);
	if (!object) return null;
	return {
		contentType: object.httpMetadata?.contentType ?? "application/octet-stream",
		body: await object.arrayBuffer(),
	};
}

/**
 * Deletes every screenshot stored for a run (the orchestrator's retention and purge); returns how
 * many objects were deleted. Pages through the run's folder, so a run with many keeps memory flat.
 */
export async function deleteRunArtifacts(bucket: R2Bucket, runId: string): Promise<number> {
	if (!/^[A-Za-z0-9_-]{1,128}$/.test(runId)) return 0; // never the shared "adhoc" folder or a wider prefix
	const prefix = screenshotPrefix(runId);
	let deleted = 0;
	for (;;) {
		// Listed from the start each time: the previous page is gone, so no cursor is needed.
		const page = await bucket.list({ prefix, limit: 1000 });
		if (page.objects.length === 0) return deleted;
		await bucket.delete(page.objects.map((o) => o.key));
		deleted += page.objects.length;
		if (!page.truncated) return deleted;
	}
}
