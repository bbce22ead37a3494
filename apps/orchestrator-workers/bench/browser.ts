/**
 * Browser benchmark: what a warm-pool browse through the harness costs over a bare page load, and
 * what a cold browser launch adds to a task. Target: warm <= 1.2x bare.
 *
 * - bare: the page loaded directly with playwright-core in a warm Chromium, a new page each time,
 *   with the harness's wait condition and text extraction (`browser/bare-load.ts`); median of K.
 * - warm: `POST /browse` of the same page served by an idle pooled session; median of K. Bare and
 *   warm loads alternate, so load on the machine from elsewhere hits both alike.
 * - cold: a browse that found the pool empty and launched a browser; cold launch = cold - warm.
 *
 * Each browse is classified by the pool's own counters, read around it (`GET /pool`): warm when
 * `reused` went up by one and `launched` did not move, cold when `launched` went up by one; anything
 * else (a session replaced mid-browse) fails the benchmark. So every warm figure provably reused a
 * session, and every cold one provably launched one. Every measured load, bare or not, must also have
 * fetched the page, its stylesheet and its image (the site counts them), and read the article's text.
 *
 * How the pool gets cold: `POST /pool/scale` cannot go below one session, so the harness runs with
 * a short `SESSION_IDLE_MS` and the benchmark waits for the pool's alarm to close the idle session.
 * Should a slow bare load outlast that idle time, the browse after it launches, counts as cold, and
 * another warm one is taken.
 */
import type { PoolStats } from "@ow/schemas";
import { launchBareBrowser, type BareBrowser, type BareReading } from "./browser/bare-load.ts";
import { startHarnessClient, type HarnessClient } from "./browser/harness-client.ts";
import {
	ARTICLE_MARKER,
	ARTICLE_PATH,
	PAGE_PATHS,
	SITE_LATENCY_MS,
	startSlowSite,
	type SlowSite,
} from "./browser/slow-site.ts";
import { median, round, waitUntil } from "./stats.ts";

/** Options of `measureBrowser`. */
export interface BrowserBenchOptions {
	/** Fewer samples, so the whole measurement stays under 40 s. */
	quick?: boolean;
}

/** The measurement, in milliseconds unless named otherwise. */
export interface BrowserBenchResult {
	bareMs: number;
	warmMs: number;
	coldMs: number;
	/** warmMs / bareMs; the target is at most 1.2. */
	warmOverBare: number;
	/** coldMs - warmMs: what launching a browser adds to the task that needs it. */
	coldLaunchMs: number;
	/** Every sample, in the order taken. */
	samples: { bare: number[]; warm: number[]; cold: number[] };
	/**
	 * Pool counters moved by the warm and the cold samples (warm: launched 0, reused K; cold: launched
	 * one each), and the totals at the end, warm-up browse included.
	 */
	pool: { warm: PoolMoves; cold: PoolMoves; total: PoolMoves };
	/** The page's server-side latencies, so the numbers can be read against them. */
	pageLatencyMs: typeof SITE_LATENCY_MS;
	/** Requests the site served, by path: every load, bare or through the harness, fetched all three. */
	siteHits: Record<string, number>;
}

/** Sessions launched and reused. */
export interface PoolMoves {
	launched: number;
	reused: number;
}

/** Idle sessions close after this long: above a bare load, short enough to wait for a few times. */
const SESSION_IDLE_MS = 2_000;

/** Measures bare, warm and cold page loads; see the module comment. */
export async function measureBrowser(options: BrowserBenchOptions = {}): Promise<BrowserBenchResult> {
	const warmCount = options.quick ? 5 : 15;
	const coldCount = options.quick ? 2 : 5;
	const site = await startSlowSite();
	const [harnessStart, bareStart] = await Promise.allSettled([
		startHarnessClient({
			ALLOW_PRIVATE_URLS: "true",
			BROWSER_POOL_SIZE: "1",
			SESSION_IDLE_MS: String(SESSION_IDLE_MS),
		}),
		launchBareBrowser(),
	]);
	const harness = harnessStart.status === "fulfilled" ? harnessStart.value : null;
	let bare = bareStart.status === "fulfilled" ? bareStart.value : null;
	try {
		if (!harness || !bare) throw firstFailure(harnessStart, bareStart);
		const page = { site, url: `${site.url}${ARTICLE_PATH}` };
		checkReading((await bare.load(page.url)).reading);
		checkReading(await harness.browse(page.url)); // launches the session and compiles the Worker
		const samples: Samples = { bare: [], warm: [], cold: [], moves: { warm: noMoves(), cold: noMoves() } };
		await alternate(harness, bare, page, warmCount, samples);
		await bare.close();
		bare = null; // closed before the cold browses, so its Chromium takes no CPU from theirs
		await coldBrowses(harness, page, coldCount, samples);
		const total = await harness.pool();
		const bareMs = median(samples.bare);
		const warmMs = median(samples.warm);
		const coldMs = median(samples.cold);
		return {
			bareMs: round(bareMs),
			warmMs: round(warmMs),
			coldMs: round(coldMs),
			warmOverBare: round(warmMs / bareMs, 3),
			coldLaunchMs: round(coldMs - warmMs),
			samples: {
				bare: samples.bare.map((v) => round(v)),
				warm: samples.warm.map((v) => round(v)),
				cold: samples.cold.map((v) => round(v)),
			},
			pool: { ...samples.moves, total: { launched: total.launched, reused: total.reused } },
			pageLatencyMs: SITE_LATENCY_MS,
			siteHits: { ...site.hits },
		};
	} finally {
		await Promise.allSettled([harness?.stop(), bare?.close()]);
		await site.stop();
	}
}

interface Samples {
	bare: number[];
	warm: number[];
	cold: number[];
	/** What the warm and the cold browses moved in the pool's counters. */
	moves: { warm: PoolMoves; cold: PoolMoves };
}

const noMoves = (): PoolMoves => ({ launched: 0, reused: 0 });

type ClassifiedBrowse = { ms: number; kind: "warm" | "cold"; moves: PoolMoves };

function record(samples: Samples, browse: ClassifiedBrowse): void {
	samples[browse.kind].push(browse.ms);
	samples.moves[browse.kind].launched += browse.moves.launched;
	samples.moves[browse.kind].reused += browse.moves.reused;
}

/** The page under test and the site serving it. */
interface PageUnderTest {
	site: SlowSite;
	url: string;
}

/** Bare load, then browse, until `count` browses were warm; a browse that launched counts as cold. */
async function alternate(
	harness: HarnessClient,
	bare: BareBrowser,
	page: PageUnderTest,
	count: number,
	samples: Samples,
) {
	for (let attempt = 0; samples.warm.length < count; attempt++) {
		if (attempt >= 3 * count) throw new Error(`only ${samples.warm.length} of ${attempt} browses found a warm session`);
		const loaded = await fullLoad(page.site, () => bare.load(page.url));
		checkReading(loaded.reading);
		samples.bare.push(loaded.ms);
		record(samples, await classifiedBrowse(harness, page));
	}
}

/** Waits for the pool to close its idle session, then browses; until there are `count` cold samples. */
async function coldBrowses(harness: HarnessClient, page: PageUnderTest, count: number, samples: Samples) {
	while (samples.cold.length < count) {
		await waitUntil("the pool to close its idle session", async () => isEmpty(await harness.pool()), {
			timeoutMs: SESSION_IDLE_MS + 30_000,
		});
		const browse = await classifiedBrowse(harness, page);
		if (browse.kind !== "cold") throw new Error("a browse on an empty pool did not launch a browser");
		record(samples, browse);
	}
}

/** One timed `POST /browse`, warm or cold by the pool counters read around it (off the clock). */
async function classifiedBrowse(harness: HarnessClient, page: PageUnderTest): Promise<ClassifiedBrowse> {
	const before = await harness.pool();
	const t0 = performance.now();
	const read = await fullLoad(page.site, () => harness.browse(page.url));
	const ms = performance.now() - t0;
	checkReading(read);
	const after = await harness.pool();
	const moves = { launched: after.launched - before.launched, reused: after.reused - before.reused };
	if (moves.launched === 0 && moves.reused === 1) return { ms, kind: "warm", moves };
	if (moves.launched === 1 && moves.reused === 0) return { ms, kind: "cold", moves };
	throw new Error(`a browse moved the pool unexpectedly: ${JSON.stringify({ before, after })}`);
}

/**
 * Runs one load and checks that it fetched the page and each sub-resource exactly once: a load that
 * stopped waiting before the stylesheet or the image arrived would look faster than it was.
 */
async function fullLoad<T>(site: SlowSite, load: () => Promise<T>): Promise<T> {
	const before = { ...site.hits };
	const result = await load();
	const missing = PAGE_PATHS.filter((path) => (site.hits[path] ?? 0) - (before[path] ?? 0) !== 1);
	if (missing.length > 0) throw new Error(`a load did not fetch ${missing.join(", ")} exactly once`);
	return result;
}

function isEmpty(pool: PoolStats): boolean {
	return pool.available + pool.busy + pool.launching === 0;
}

function firstFailure(...results: PromiseSettledResult<unknown>[]): unknown {
	return results.find((r): r is PromiseRejectedResult => r.status === "rejected")?.reason;
}

function checkReading(reading: Pick<BareReading, "title" | "text">): void {
	if (reading.title !== "Pricing of Widgets" || !reading.text.includes(ARTICLE_MARKER)) {
		throw new Error(`the page was not read: title "${reading.title}", text "${reading.text.slice(0, 80)}"`);
	}
}
