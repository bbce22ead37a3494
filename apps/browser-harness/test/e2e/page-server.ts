/**
 * The local site the e2e tests browse, on 127.0.0.1 and a free port. It logs every request, can
 * hold a response until a test opens a gate, and stops itself (closing held responses).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";

/** A running page server. */
export interface PageServer {
	url: string;
	/**
	 * Paths with query, in the order the requests arrived (favicon requests left out); WebSocket
	 * upgrades as `UPGRADE <path>`, other methods as `<METHOD> <path>`.
	 */
	log: string[];
	/** TCP connections accepted so far: also counts connections that never send a request (preconnects). */
	connections(): number;
	/** Holds `/slow?id=<id>` until `open(id)`. */
	open(id: string): void;
	stop(): Promise<void>;
}

const LIFETIME_MS = 10 * 60_000;

function html(title: string, body: string): string {
	return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body>${body}</body></html>`;
}

function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function readBody(req: IncomingMessage): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks).toString("utf8");
}

/** A contact form: its confirmation exists only as the answer to a real POST. */
const FORM = `<h1>Contact us</h1>
<form method="post" action="/form">
<label for="name">Name</label> <input id="name" name="name">
<label>Email <input type="email" name="email" placeholder="you@example.com"></label>
<label for="topic">Topic</label> <select id="topic" name="topic"><option>Sales</option><option value="support">Support</option></select>
<label for="message">Message</label> <textarea id="message" name="message"></textarea>
<label for="password">Password</label> <input id="password" type="password" name="password" value="secret-value">
<label for="pin">PIN</label> <input id="pin" name="pin" autocomplete="current-password">
<input type="hidden" name="token" value="t">
<button type="button" disabled>Disabled</button>
<button type="submit">Send</button>
</form>`;

/** Links that leave the site, download, open new windows; `other` is another origin's URL. */
function linksPage(other: string): string {
	return `<h1>Links</h1>
<p><a href="/page?id=next">Next page</a></p>
<p><a href="${other}/page?id=offsite">Other site</a></p>
<p><a href="/download">Get the data</a> <a href="/page?id=file" download>Save this page</a></p>
<p><a href="/page?id=popup" target="_blank">Open in a new window</a></p>
<p><button onclick="window.open('/page?id=scripted')">Open a window by script</button></p>
<p><a href="/page?id=hidden" style="display:none">Hidden link</a></p>`;
}

/** A tall page that adds a button once it is scrolled, as lazy-loading pages do. */
const SCROLL = `<h1>Scroll</h1><div style="height:3000px">Top of the page</div><p>Bottom of the page</p>
<script>
addEventListener("scroll", () => {
	if (scrollY < 500 || document.getElementById("more")) return;
	const b = document.createElement("button");
	b.id = "more";
	b.textContent = "Loaded more";
	document.body.prepend(b);
});
</script>`;

/** Pages whose only job is to send the browser to `to`: by HTTP redirect, by script, by meta refresh. */
function leavingPage(path: string, to: string): string | null {
	const js = JSON.stringify(to).replace(/</g, "\\u003c");
	switch (path) {
		case "/script-redirect":
			return html("Leaving", `<p>Leaving by script.</p><script>location.href = ${js};</script>`);
		case "/late-redirect":
			// The held image keeps the network busy, so the reader is still settling when the script leaves.
			return html(
				"Leaving",
				`<p>Leaving by script, later.</p><img src="/slow?id=late-redirect">
				<script>setTimeout(() => { location.href = ${js}; }, 300);</script>`,
			);
		case "/meta-redirect":
			return html(
				"Leaving",
				`<meta http-equiv="refresh" content="0; url=${escapeHtml(to)}"><p>Leaving by meta refresh.</p>`,
			);
		default:
			return null;
	}
}

/**
 * A page that reaches for `to` without navigating the main frame: images, frames, scripts, styles,
 * prefetch, fetch, beacons, a form, dedicated, shared and service workers, and a popup. (Not
 * WebSockets: Chromium's request interception never sees their handshake, a known gap.)
 */
function probePage(to: string): string {
	const at = (path: string) => escapeHtml(`${to}${path}`);
	const js = JSON.stringify(to).replace(/</g, "\\u003c");
	return html(
		"Probe",
		`<h1>Probe</h1><p>This page reaches for another host.</p>
<img src="${at("/img")}"><iframe src="${at("/frame")}"></iframe><iframe name="sink"></iframe>
<script src="${at("/script.js")}"></script><link rel="stylesheet" href="${at("/style.css")}">
<link rel="prefetch" href="${at("/prefetch")}">
<form id="post" method="post" action="${at("/form")}" target="sink"><input name="q" value="x"></form>
<script>
const to = ${js};
fetch(to + "/fetch", { mode: "no-cors" }).catch(() => {});
navigator.sendBeacon(to + "/beacon", "x");
document.getElementById("post").submit();
const source = "fetch(" + JSON.stringify(to + "/worker") + ", { mode: 'no-cors' }).catch(() => {})";
new Worker(URL.createObjectURL(new Blob([source], { type: "text/javascript" })));
new SharedWorker(URL.createObjectURL(new Blob([source.replace("/worker", "/shared-worker")], { type: "text/javascript" })));
navigator.serviceWorker?.register("/sw.js?to=" + encodeURIComponent(to)).catch(() => {});
window.open(to + "/popup");
</script>`,
	);
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
		log.push(`${req.method === "GET" ? "" : `${req.method} `}${url.pathname}${url.search}`);
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
			case "/form":
				if (req.method === "POST") {
					const form = new URLSearchParams(await readBody(req));
					const name = escapeHtml(form.get("name") ?? "");
					const summary = `${name} (${escapeHtml(form.get("email") ?? "")}) about ${escapeHtml(form.get("topic") ?? "")}: ${escapeHtml(form.get("message") ?? "")}`;
					return void res.end(html("Message sent", `<h1>Thank you, ${name}!</h1><p>We received ${summary}</p>`));
				}
				return void res.end(html("Contact us", FORM));
			case "/links":
				return void res.end(html("Links", linksPage(url.searchParams.get("other") ?? "")));
			case "/scroll":
				return void res.end(html("Scroll", SCROLL));
			case "/redirect":
				return void res.writeHead(302, { location: url.searchParams.get("to") ?? "/" }).end();
			case "/script-redirect":
			case "/late-redirect":
			case "/meta-redirect":
				return void res.end(leavingPage(url.pathname, url.searchParams.get("to") ?? "/"));
			case "/sw.js":
				res.setHeader("content-type", "text/javascript");
				return void res.end(
					`fetch(${JSON.stringify(`${url.searchParams.get("to") ?? ""}/service-worker`)}, { mode: "no-cors" }).catch(() => {});`,
				);
			case "/probe":
				return void res.end(probePage(url.searchParams.get("to") ?? ""));
			case "/download":
				res.setHeader("content-type", "application/octet-stream");
				res.setHeader("content-disposition", 'attachment; filename="data.bin"');
				return void res.end(Buffer.alloc(1024));
			default:
				return void res.writeHead(404).end(html("Not found", "<p>Nothing here.</p>"));
		}
	};

	const server = createServer((req, res) => void handle(req, res));
	let connections = 0;
	server.on("connection", () => connections++);
	server.on("upgrade", (req: IncomingMessage, socket: Duplex) => {
		log.push(`UPGRADE ${req.url ?? "/"}`);
		socket.destroy();
	});
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
	return {
		url: `http://127.0.0.1:${port}`,
		log,
		connections: () => connections,
		open: (id) => gate(id).resolve(),
		stop,
	};
}
