/**
 * A tiny website on 127.0.0.1 for end-to-end tests: pages by path (fixed HTML, or a function of the
 * request for forms), a log of requests, and a lifetime after which it stops by itself.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface StaticSite {
	url: string;
	/** Requests as `METHOD /path`, in order; POST bodies in `posts`. */
	log: string[];
	/** Bodies of POST requests (form-urlencoded, parsed), in order. */
	posts: Record<string, string>[];
	stop(): Promise<void>;
}

/** A page: fixed HTML, or HTML made from the request (a POSTed form's fields in `form`). */
export type SitePage = string | ((request: { method: string; form: Record<string, string> }) => string);

/** Serves `pages` (path -> HTML) until stopped, or for `lifetimeMs` at most. */
export async function startStaticSite(pages: Record<string, SitePage>, lifetimeMs = 10 * 60_000): Promise<StaticSite> {
	const log: string[] = [];
	const posts: Record<string, string>[] = [];
	const server = createServer(async (req, res) => {
		const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
		if (path !== "/favicon.ico") log.push(`${req.method} ${path}`);
		let body = "";
		for await (const chunk of req) body += String(chunk);
		const form = Object.fromEntries(new URLSearchParams(body));
		if (req.method === "POST") posts.push(form);
		const page = pages[path];
		const html = typeof page === "function" ? page({ method: req.method ?? "GET", form }) : page;
		res.writeHead(html === undefined ? 404 : 200, { "content-type": "text/html; charset=utf-8" });
		res.end(html ?? "<!doctype html><title>Not found</title><p>Not found</p>");
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	const stop = () => new Promise<void>((resolve) => server.close(() => resolve()).closeAllConnections());
	const timer = setTimeout(stop, lifetimeMs);
	timer.unref();
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		log,
		posts,
		stop: () => {
			clearTimeout(timer);
			return stop();
		},
	};
}
