/**
 * A tiny website on 127.0.0.1 for end-to-end tests: fixed pages by path, a log of requests, and a
 * lifetime after which it stops by itself.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface StaticSite {
	url: string;
	/** Requested paths, in order. */
	log: string[];
	stop(): Promise<void>;
}

/** Serves `pages` (path -> HTML) until stopped, or for `lifetimeMs` at most. */
export async function startStaticSite(pages: Record<string, string>, lifetimeMs = 10 * 60_000): Promise<StaticSite> {
	const log: string[] = [];
	const server = createServer((req, res) => {
		const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
		if (path !== "/favicon.ico") log.push(path);
		const page = pages[path];
		res.writeHead(page === undefined ? 404 : 200, { "content-type": "text/html; charset=utf-8" });
		res.end(page ?? "<!doctype html><title>Not found</title><p>Not found</p>");
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	const stop = () => new Promise<void>((resolve) => server.close(() => resolve()).closeAllConnections());
	const timer = setTimeout(stop, lifetimeMs);
	timer.unref();
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		log,
		stop: () => {
			clearTimeout(timer);
			return stop();
		},
	};
}
