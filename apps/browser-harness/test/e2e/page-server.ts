/**
 * The local site the e2e tests browse, on 127.0.0.1 and a free port. It logs every request, can
 * hold a response until a test opens a gate, and stops itself (closing held responses).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A running page server. */
export interface PageServer {
	url: string;
	/** Paths with query, in the order the requests arrived (favicon requests left out). */
	log: string[];
	/** Holds `/slow?id=<id>` until `open(id)`. */
	open(id: string): void;
	stop(): Promise<void>;
}

const LIFETIME_MS = 10 * 60_000;

function html(title: string, body: string): string {
	return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body>${body}</body></html>`;
}

/** Starts the page server. */
export async function startPageServer(): Promise<PageServer> {
	const gates = new Map<string, { promise: Promise<void>; resolve: () => void }>();
	const gate = (id: string) => {
		let entry = gates.get(id);
		if (!entry) {
			let resolve!: () => void;
			const promise = new Promise<void>((r) => (resolve = r));
			entry = { promise, resolve };
			gates.set(id, entry);
		}
		return entry;
	};
	const log: string[] = [];

	const handle = async (req: IncomingMessage, res: ServerResponse) => {
		const url = new URL(req.url ?? "/", "http://127.0.0.1");
		if (url.pathname === "/favicon.ico") return void res.writeHead(404).end();
		log.push(`${url.pathname}${url.search}`);
		const id = url.searchParams.get("id") ?? "";
		res.setHeader("content-type", "text/html; charset=utf-8");
		switch (url.pathname) {
			case "/article":
				return void res.end(
					html(
						"Pricing of Widgets",
						`<h1>Widget pricing</h1><p>The basic plan costs 5 euros per month.</p>
						<nav><a href="/plans">Plans</a> <a href="/plans#top">Plans again</a> <a href="https://example.com/about">About us</a>
						<a href="mailto:sales@example.com">Mail</a></nav><script>document.title += " (rendered)"</script>`,
					),
				);
			case "/long":
				return void res.end(html("Long", `<p>${"lorem ipsum dolor sit amet ".repeat(400)}</p>`));
			case "/page":
				return void res.end(html(`Page ${id}`, `<p>This is page ${id}.</p>`));
			case "/slow":
				await gate(id).promise;
				return void res.end(html(`Slow ${id}`, `<p>Slow page ${id} finally answered.</p>`));
			case "/challenge":
				return void res.end(html("Just a moment...", "<p>Checking your browser before accessing the site.</p>"));
			case "/forbidden":
				return void res
					.writeHead(403)
					.end(html("Forbidden", "<p>You don't have permission to access this resource.</p>"));
			case "/download":
				res.setHeader("content-type", "application/octet-stream");
				res.setHeader("content-disposition", 'attachment; filename="data.bin"');
				return void res.end(Buffer.alloc(1024));
			default:
				return void res.writeHead(404).end(html("Not found", "<p>Nothing here.</p>"));
		}
	};

	const server = createServer((req, res) => void handle(req, res));
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	const { port } = server.address() as AddressInfo;
	const stop = async () => {
		clearTimeout(lifetime);
		for (const entry of gates.values()) entry.resolve();
		server.closeAllConnections();
		await new Promise<void>((resolve) => server.close(() => resolve()));
	};
	// A test run that dies before afterAll must not leave the server behind.
	const lifetime = setTimeout(() => void stop(), LIFETIME_MS);
	lifetime.unref();
	return { url: `http://127.0.0.1:${port}`, log, open: (id) => gate(id).resolve(), stop };
}
