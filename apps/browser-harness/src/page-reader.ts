/**
 * Reads one page with a connected browser: a fresh browser context (no cookies shared between
 * browses), every request checked against the URL policy (a refused main-frame navigation or
 * redirect aborts the browse with `url-refused`; refused subresources are just dropped), downloads
 * denied, then title, text, links, block detection and an optional screenshot. The context, and
 * with it the page, is closed in `finally`. Agent sessions open their page the same way
 * (`loadInContext`, in a context kept across steps) and read the final page with `readContent`.
 *
 * Kept whole at a little over 300 lines: every step of a browse shares the one context and the
 * `finally` that closes it, and split across files the order of guard, navigation, reading and close
 * would no longer read top to bottom.
 */
import type { Browser, BrowserContext, HTTPRequest, HTTPResponse, Page } from "@cloudflare/puppeteer";
import { extractedPageSchema, pageExtractionScript, type BrowsedPage } from "@ow/schemas";
import { withTimeout } from "./browser-client";
import { guardBrowser } from "./browser-guard";
import { BrowserHarnessError } from "./errors";
import { detectBlock, normalizeLinks, tidyText, truncateText } from "./page-content";
import { decideRequest, hostKey, hostRefusal, type UrlPolicy } from "./url-safety";

/** How to read a page. */
export interface ReadOptions {
	timeoutMs: number;
	maxTextChars: number;
	screenshot: boolean;
	screenshotMaxBytes: number;
	policy: UrlPolicy;
}

/** A screenshot ready to store. */
export interface Screenshot {
	bytes: Uint8Array;
	contentType: "image/jpeg";
	extension: "jpg";
}

/** The page as read, before the screenshot is stored. */
export type PageReading = Omit<BrowsedPage, "requestedUrl" | "screenshotKey"> & { screenshot: Screenshot | null };

const VIEWPORT = { width: 1280, height: 800 };
/** Extra time after DOMContentLoaded for scripts to render, taken from what is left of the timeout. */
const SETTLE_MS = 3_000;
/** Cleanup and in-page work that takes longer than this means the session is in trouble. */
const STEP_TIMEOUT_MS = 15_000;
const JPEG_QUALITIES = [80, 60, 40, 25];

/** Opens `url` and reads it; throws a `BrowserHarnessError`. */
export async function readPage(browser: Browser, url: URL, options: ReadOptions): Promise<PageReading> {
	return withOpenedPage(browser, url, options, async ({ page, response, guard }) => {
		try {
			const reading = await readContent(page, response?.status() ?? null, options);
			// A script or meta refresh may have left for a refused URL while the page was read.
			assertNotRefused(guard);
			return reading;
		} catch (error) {
			// Such a navigation destroys the document under the reader: the refusal is what happened.
			assertNotRefused(guard);
			throw error;
		}
	});
}

/** A page `withOpenedPage` opened: its own context, requests guarded, downloads denied, the URL loaded. */
export interface OpenedPage {
	page: Page;
	context: BrowserContext;
	guard: RequestGuard;
	/** The main document's response of the first load. */
	response: HTTPResponse | null;
}

/**
 * Opens `url` in a fresh browser context and runs `work` on it; the context, and with it the page,
 * is closed in `finally`, whatever happened. Requests of other targets the page starts (popups,
 * workers) go through the URL policy too, until the context is gone. Throws a `BrowserHarnessError`.
 */
export async function withOpenedPage<T>(
	browser: Browser,
	url: URL,
	options: Pick<ReadOptions, "timeoutMs" | "policy">,
	work: (opened: OpenedPage) => Promise<T>,
): Promise<T> {
	const elsewhere = await guardBrowser(browser, options.policy);
	try {
		return await openAndWork(browser, url, options, work);
	} finally {
		await elsewhere.release();
	}
}

async function openAndWork<T>(
	browser: Browser,
	url: URL,
	options: Pick<ReadOptions, "timeoutMs" | "policy">,
	work: (opened: OpenedPage) => Promise<T>,
): Promise<T> {
	const context = await withTimeout(browser.createBrowserContext(), STEP_TIMEOUT_MS, "opening a browser context");
	try {
		return await work(await loadInContext(context, url, options));
	} catch (error) {
		throw BrowserHarnessError.fromUnknown(error);
	} finally {
		await closeContext(context);
	}
}

/**
 * Opens a page in `context`, guarded (see `withOpenedPage`), and loads `url` in it. Agent sessions
 * use it directly: their context outlives the connection, and is closed when the session ends.
 */
export async function loadInContext(
	context: BrowserContext,
	url: URL,
	options: Pick<ReadOptions, "timeoutMs" | "policy">,
): Promise<OpenedPage> {
	const page = await context.newPage();
	const guard = await guardPage(page, context, options.policy);
	const response = await navigate(page, url, options.timeoutMs, guard);
	assertPublicResponse(guard.lastResponse ?? response, page.url(), options.policy);
	return { page, context, guard, response };
}

/**
 * Sets a page up the way every browse needs it: the viewport, downloads denied, every request
 * checked. These live in this connection's DevTools session, so an agent session that connects
 * again to a page it left open calls this again.
 */
export async function guardPage(page: Page, context: BrowserContext, policy: UrlPolicy): Promise<RequestGuard> {
	await page.setViewport(VIEWPORT);
	await denyDownloads(page, context.id);
	return guardRequests(page, policy);
}

/** Closes a browser context, and its pages; one that will not close makes the session unhealthy. */
export async function closeContext(context: BrowserContext): Promise<void> {
	await withTimeout(context.close(), STEP_TIMEOUT_MS, "closing the browser context").catch((error: unknown) => {
		// A context that will not close means the session is unusable: the lease goes back unhealthy.
		throw new BrowserHarnessError("session-lost", "the browser context did not close", { cause: error });
	});
}

/**
 * Refuses a document that came from a non-public address (a public name resolving to a private
 * one) unless the policy allows that host: its content must not leave the harness. The host the
 * response answered for decides `ALLOWED_HOSTS`, since a trusted intranet name resolves privately.
 */
export function assertPublicResponse(response: HTTPResponse | null, url: string, policy: UrlPolicy): void {
	const ip = response?.remoteAddress().ip;
	if (!response || !ip) return;
	const served = URL.parse(response.url());
	const reason = hostRefusal(ip, served ? hostKey(served) : null, policy);
	if (reason) throw new BrowserHarnessError("url-refused", `URL refused after navigation (${reason}): ${url}`);
}

/** Reads the loaded page: title, text, links, block detection and an optional screenshot. */
export async function readContent(
	page: Page,
	status: number | null,
	options: Omit<ReadOptions, "timeoutMs" | "policy">,
): Promise<PageReading> {
	const raw: unknown = await withTimeout(
		page.evaluate(pageExtractionScript(options.maxTextChars)),
		STEP_TIMEOUT_MS,
		"reading the page",
	);
	// The script runs in the page's own world, where the page can redefine what it calls.
	const parsed = extractedPageSchema.safeParse(raw);
	if (!parsed.success) throw new BrowserHarnessError("internal", "the page's content could not be read");
	const extracted = parsed.data;
	const { text, truncated } = truncateText(tidyText(extracted.text), options.maxTextChars, extracted.totalChars);
	const finalUrl = page.url();
	const blocked = detectBlock({ status, title: extracted.title, text, captchaMarkers: extracted.markers });
	const screenshot = options.screenshot ? await takeScreenshot(page, options.screenshotMaxBytes) : null;
	return {
		finalUrl,
		title: extracted.title,
		text,
		truncated,
		links: normalizeLinks(extracted.links, finalUrl),
		blocked,
		httpStatus: status,
		screenshot,
	};
}

/** What the request guard saw; agent mode reads and resets it around each action. */
export interface RequestGuard {
	/** Why the main frame was stopped, once it was. */
	refused: string | null;
	/** An extra rule for main-frame navigations (agent mode: the allowed origins): why one is refused, or null. */
	navigationRule: ((url: URL) => string | null) | null;
	/** URL of a main-frame response that was a download (`Content-Disposition: attachment`), once one came. */
	download: string | null;
	/** The latest main-frame document response. */
	lastResponse: HTTPResponse | null;
	/**
	 * Requests the page sent, as `METHOD url`, other than GET and HEAD (a form POST, a fetch PUT):
	 * agent mode resets it around each action to tell whether the action wrote to a site.
	 */
	sent: string[];
}

/** Intercepts every request and applies `decideRequest`; redirects arrive here as new requests too. */
async function guardRequests(page: Page, policy: UrlPolicy): Promise<RequestGuard> {
	const guard: RequestGuard = { refused: null, navigationRule: null, download: null, lastResponse: null, sent: [] };
	await page.setRequestInterception(true);
	page.on("request", (request: HTTPRequest) => {
		const method = request.method().toUpperCase();
		if (method !== "GET" && method !== "HEAD" && guard.sent.length < 20) {
			guard.sent.push(`${method} ${request.url().slice(0, 200)}`);
		}
		if (request.isInterceptResolutionHandled()) return;
		const mainFrame = request.isNavigationRequest() && request.frame() === page.mainFrame();
		const decision = decideRequest(request.url(), mainFrame, policy);
		const ruled = decision.action === "continue" && mainFrame ? navigationRuleReason(guard, request.url()) : null;
		if (decision.action === "continue" && ruled === null) return settle(request.continue());
		guard.refused ??= ruled ?? (decision.action === "abort" ? decision.refused : null);
		// With a navigation rule (agent mode) the page must survive a refused navigation: "aborted"
		// cancels it, where "blockedbyclient" would replace the document with an error page.
		settle(request.abort(mainFrame && guard.navigationRule ? "aborted" : "blockedbyclient"));
	});
	page.on("response", (response: HTTPResponse) => {
		const request = response.request();
		if (!request.isNavigationRequest() || request.frame() !== page.mainFrame()) return;
		if (/^\s*attachment/i.test(response.headers()["content-disposition"] ?? "")) guard.download = response.url();
		else guard.lastResponse = response;
	});
	return guard;
}

function navigationRuleReason(guard: RequestGuard, url: string): string | null {
	const parsed = guard.navigationRule ? URL.parse(url) : null;
	return parsed && guard.navigationRule ? guard.navigationRule(parsed) : null;
}

function settle(resolution: Promise<void>): void {
	resolution.catch((error: unknown) => {
		// The page may close while a request is paused; then there is nothing left to resolve.
		console.warn(JSON.stringify({ msg: "request interception failed", error: String(error) }));
	});
}

async function navigate(page: Page, url: URL, timeoutMs: number, guard: RequestGuard): Promise<HTTPResponse | null> {
	const started = Date.now();
	let response: HTTPResponse | null;
	try {
		response = await page.goto(url.href, { waitUntil: "domcontentloaded", timeout: timeoutMs });
	} catch (error) {
		assertNotRefused(guard);
		const failure = BrowserHarnessError.fromUnknown(error);
		if (failure.code === "navigation-timeout") {
			throw new BrowserHarnessError("navigation-timeout", `${url.href} did not load within ${timeoutMs} ms`, {
				cause: error,
			});
		}
		if (/ERR_UNSAFE_REDIRECT/.test(failure.message)) {
			throw new BrowserHarnessError("url-refused", `${url.href} redirected to a scheme the browser never follows`, {
				cause: error,
			});
		}
		if (/ERR_ABORTED/.test(failure.message)) {
			throw new BrowserHarnessError("navigation-failed", `${url.href} did not render a page (a download?)`, {
				cause: error,
			});
		}
		throw failure;
	}
	assertNotRefused(guard);
	if (page.url().startsWith("chrome-error:")) {
		const status = response ? ` (HTTP ${response.status()} with no content)` : "";
		throw new BrowserHarnessError("navigation-failed", `${url.href} could not be displayed${status}`);
	}
	const settleMs = Math.min(SETTLE_MS, timeoutMs - (Date.now() - started));
	if (settleMs > 0) {
		await page.waitForNetworkIdle({ idleTime: 300, timeout: settleMs }).catch(() => {
			// Pages that keep polling never go idle; DOMContentLoaded already gave us a document.
		});
	}
	// A script or a meta refresh may send the main frame elsewhere after DOMContentLoaded.
	assertNotRefused(guard);
	return response;
}

/** Fails the browse with `url-refused` once the guard stopped the main frame. */
function assertNotRefused(guard: RequestGuard): void {
	if (guard.refused) throw new BrowserHarnessError("url-refused", `URL refused during navigation (${guard.refused})`);
}

/** Asks Chromium to refuse downloads in this context, so a link to a file is never followed. */
async function denyDownloads(page: Page, browserContextId: string | undefined): Promise<void> {
	const cdp = await page.createCDPSession();
	try {
		await cdp.send("Browser.setDownloadBehavior", {
			behavior: "deny",
			...(browserContextId ? { browserContextId } : {}),
		});
	} finally {
		await cdp.detach();
	}
}

/** JPEG at falling quality until it fits `maxBytes` (large WebSocket messages fail), then a smaller clip. */
async function takeScreenshot(page: Page, maxBytes: number): Promise<Screenshot> {
	for (const quality of JPEG_QUALITIES) {
		const bytes = await page.screenshot({
			type: "jpeg",
			quality,
			captureBeyondViewport: false,
			optimizeForSpeed: true,
		});
		if (bytes.byteLength <= maxBytes) return { bytes, contentType: "image/jpeg", extension: "jpg" };
	}
	const clip = { x: 0, y: 0, width: VIEWPORT.width / 2, height: VIEWPORT.height / 2 };
	const bytes = await page.screenshot({ type: "jpeg", quality: 25, clip, captureBeyondViewport: false });
	if (bytes.byteLength <= maxBytes) return { bytes, contentType: "image/jpeg", extension: "jpg" };
	throw new BrowserHarnessError("internal", `screenshot stays above ${maxBytes} bytes even at the lowest quality`);
}
