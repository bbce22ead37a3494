/**
 * The page the browser benchmark loads: an article whose HTML arrives after a fixed first-byte
 * latency, with a stylesheet and an image that have latencies of their own.
 *
 * Why not a bare localhost page: that loads in a couple of milliseconds, so any ratio over it would
 * measure the harness's fixed overhead against nothing. A real page spends its time waiting on the
 * network; fixed latencies make that wait the same for every load, so the ratio shows what the
 * harness adds to a realistic load. Every response is `no-store`, so no load is served from a cache.
 */
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** Server-side latencies of the page's resources, in milliseconds. */
export const SITE_LATENCY_MS = { html: 150, css: 40, image: 60 } as const;

/** The path of the article page. */
export const ARTICLE_PATH = "/article";
/** Text the article's body contains, so a load can be checked for having read the page. */
export const ARTICLE_MARKER = "The basic plan costs 5 euros per month.";

/** A running site. */
export interface SlowSite {
	url: string;
	/** Requests served, by path; shows that each load fetched the sub-resources. */
	hits: Record<string, number>;
	stop(): Promise<void>;
}

const LIFETIME_MS = 10 * 60_000;

// A 1x1 transparent PNG: a real image decode, not a broken-image placeholder.
const PIXEL = Buffer.from(
	"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
	"base64",
);

const CSS = `body { font-family: sans-serif; max-width: 48rem; margin: 2rem auto; }
h1 { color: #234; } nav a { margin-right: 1rem; } img.hero { width: 100%; height: 8rem; }`;

const ARTICLE = `<!doctype html><html><head><meta charset="utf-8"><title>Pricing of Widgets</title>
<link rel="stylesheet" href="/style.css"></head><body>
<h1>Widget pricing</h1><img class="hero" src="/hero.png" alt="Widgets">
<p>${ARTICLE_MARKER}</p>
<p>${"Widgets come in three sizes, each with its own plan and support hours. ".repeat(20)}</p>
<nav><a href="/plans">Plans</a> <a href="/support">Support</a> <a href="https://example.com/about">About us</a></nav>
</body></html>`;

/** Every path one full load of the article requests. */
export const PAGE_PATHS = [ARTICLE_PATH, "/style.css", "/hero.png"] as const;

const RESOURCES: Record<(typeof PAGE_PATHS)[number], { type: string; body: string | Buffer; latencyMs: number }> = {
	[ARTICLE_PATH]: { type: "text/html; charset=utf-8", body: ARTICLE, latencyMs: SITE_LATENCY_MS.html },
	"/style.css": { type: "text/css", body: CSS, latencyMs: SITE_LATENCY_MS.css },
	"/hero.png": { type: "image/png", body: PIXEL, latencyMs: SITE_LATENCY_MS.image },
};

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
	res.writeHead(status, { "content-type": type, "cache-control": "no-store" }).end(body);
}

/** Starts the site on 127.0.0.1 and a free port; it stops by itself after ten minutes. */
export async function startSlowSite(): Promise<SlowSite> {
	const hits: Record<string, number> = {};
	const timers = new Set<ReturnType<typeof setTimeout>>();
	const server = createServer((req, res) => {
		const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
		const resource = RESOURCES[path as (typeof PAGE_PATHS)[number]];
		if (!resource) return send(res, 404, "text/plain", "not found");
		hits[path] = (hits[path] ?? 0) + 1;
		const timer = setTimeout(() => {
			timers.delete(timer);
			send(res, 200, resource.type, resource.body);
		}, resource.latencyMs);
		timers.add(timer);
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	const stop = async () => {
		clearTimeout(lifetime);
		for (const timer of timers) clearTimeout(timer);
		server.closeAllConnections();
		await new Promise<void>((resolve) => server.close(() => resolve()));
	};
	const lifetime = setTimeout(() => void stop(), LIFETIME_MS);
	lifetime.unref();
	return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits, stop };
}
