/**
 * A local site on 127.0.0.1 for browser fault tests: `/hang` never answers (a hung page), and
 * `/held-once` holds its first request open until the browser goes away (a page still loading when
 * its browser is killed) and answers later ones at once. It logs requests and stops itself after
 * its lifetime, closing what it holds.
 */
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FaultSite {
	url: string;
	/** `METHOD /path?query`, in the order requests arrived (favicon requests left out). */
	log: string[];
	stop(): Promise<void>;
}

/** What `/held-once` answers once it answers: a fact only this page has. */
export const RECOVERED_TITLE = "Recovered page";
export const RECOVERED_FACT = "The lighthouse at Cape Verity was rebuilt in 1911.";

export async function startFaultSite(lifetimeMs = 5 * 60_000): Promise<FaultSite> {
	const log: string[] = [];
	const held: ServerResponse[] = [];
	const server = createServer((req, res) => {
		const url = new URL(req.url ?? "/", "http://127.0.0.1");
		if (url.pathname === "/favicon.ico") return void res.writeHead(404).end();
		const path = `${url.pathname}${url.search}`;
		log.push(`${req.method} ${path}`);
		const seen = log.filter((line) => line === `${req.method} ${path}`).length;
		if (url.pathname === "/hang" || (url.pathname === "/held-once" && seen === 1)) return void held.push(res);
		res.setHeader("content-type", "text/html; charset=utf-8");
		if (url.pathname !== "/held-once") return void res.writeHead(404).end("<!doctype html><title>Not found</title>");
		res.end(`<!doctype html><title>${RECOVERED_TITLE}</title><h1>${RECOVERED_TITLE}</h1><p>${RECOVERED_FACT}</p>`);
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	const stop = () =>
		new Promise<void>((resolve) => {
			for (const res of held) res.destroy();
			server.close(() => resolve()).closeAllConnections();
		});
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
