/**
 * The bare page load the browser benchmark compares the harness with: the same page, opened directly
 * with playwright-core in the Chromium build the harness drives (Debian's), read the way the
 * harness's page reader reads it (`apps/browser-harness/src/page-reader.ts`):
 *
 * - a new page in a fresh context, 1280x800, per load (the harness opens a context per browse);
 * - `goto` until DOMContentLoaded, then network idle (no request in flight for 300 ms, at most 3 s);
 * - the harness's own in-page extraction script (`pageExtractionScript` from @ow/schemas);
 * - the page, and with it its context, closed before the load counts as done.
 *
 * The harness's app cannot be imported from here (apps never import apps), so its wait constants are
 * mirrored; keep them in step with `page-reader.ts`.
 */
// The module itself, not the package index: Node runs the bench, and the index imports without extensions.
import { extractedPageSchema, pageExtractionScript } from "@ow/schemas/page-extraction";
import { chromium, type Browser, type Page } from "playwright-core";

/** Debian's Chromium; wrangler's local Browser Rendering launches the same binary. */
export const CHROMIUM_PATH = "/usr/bin/chromium";

const VIEWPORT = { width: 1280, height: 800 };
/** page-reader.ts: `waitForNetworkIdle({ idleTime: 300, timeout: SETTLE_MS })`. */
const IDLE_MS = 300;
const SETTLE_MS = 3_000;
const NAVIGATION_TIMEOUT_MS = 30_000;
/** The harness's `MAX_TEXT_CHARS` default. */
const MAX_TEXT_CHARS = 20_000;

/** What one load read; the caller checks it so a broken load never counts as a fast one. */
export interface BareReading {
	title: string;
	text: string;
	links: number;
}

/** A warm browser that loads pages the harness's way. */
export interface BareBrowser {
	/** Loads `url` in a new page and reads it; resolves with the reading and the wall time. */
	load(url: string): Promise<{ ms: number; reading: BareReading }>;
	close(): Promise<void>;
}

/** Launches Chromium; `--no-sandbox` only when running as root, where Chromium needs it. */
export async function launchBareBrowser(): Promise<BareBrowser> {
	const asRoot = process.getuid?.() === 0;
	const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: asRoot ? ["--no-sandbox"] : [] });
	return { load: (url) => timedLoad(browser, url), close: () => browser.close() };
}

async function timedLoad(browser: Browser, url: string): Promise<{ ms: number; reading: BareReading }> {
	const started = performance.now();
	const page = await browser.newPage({ viewport: VIEWPORT });
	try {
		const idle = trackNetworkIdle(page);
		await page.goto(url, { waitUntil: "domcontentloaded", timeout: NAVIGATION_TIMEOUT_MS });
		await idle.settled(IDLE_MS, SETTLE_MS);
		const raw = extractedPageSchema.parse(await page.evaluate(pageExtractionScript(MAX_TEXT_CHARS)));
		const reading = { title: raw.title, text: raw.text.trim(), links: raw.links.length };
		await page.close();
		return { ms: performance.now() - started, reading };
	} finally {
		if (!page.isClosed()) await page.close();
	}
}

const ignore = (): void => {};

/**
 * Counts requests in flight from before navigation, as puppeteer's `waitForNetworkIdle` does, and
 * resolves once none has been in flight for `idleMs`, or after `timeoutMs` (the harness then goes
 * on with what DOMContentLoaded gave it, so this does too).
 */
function trackNetworkIdle(page: Page) {
	let inflight = 0;
	let onChange = ignore;
	page.on("request", () => {
		inflight++;
		onChange();
	});
	const done = () => {
		inflight--;
		onChange();
	};
	page.on("requestfinished", done);
	page.on("requestfailed", done);
	return {
		settled(idleMs: number, timeoutMs: number): Promise<void> {
			return new Promise<void>((resolve) => {
				let idleTimer: ReturnType<typeof setTimeout> | undefined;
				const finish = () => {
					clearTimeout(idleTimer);
					clearTimeout(deadline);
					onChange = ignore;
					resolve();
				};
				const deadline = setTimeout(finish, timeoutMs);
				onChange = () => {
					clearTimeout(idleTimer);
					if (inflight <= 0) idleTimer = setTimeout(finish, idleMs);
				};
				onChange();
			});
		},
	};
}
