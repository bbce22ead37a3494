/**
 * A reverse proxy on 127.0.0.1 in front of the dev server that cuts the first event stream it carries
 * after a number of events: a dropped connection, as a flaky network makes one.
 */
import { createServer, request, type Server } from "node:http";

export interface DroppingProxy {
	url: string;
	/** Event streams it cut, and stream requests it saw with their Last-Event-ID. */
	cuts: number;
	streams: (string | undefined)[];
	close(): Promise<void>;
}

export async function startDroppingProxy(target: string, cutAfterEvents: number): Promise<DroppingProxy> {
	const upstream = new URL(target);
	const proxy: DroppingProxy = { url: "", cuts: 0, streams: [], close: async () => {} };
	const server: Server = createServer((req, res) => {
		const isStream = (req.url ?? "").endsWith("/events");
		if (isStream) proxy.streams.push(req.headers["last-event-id"] as string | undefined);
		const cut = isStream && proxy.cuts === 0;
		const out = request(
			{ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers },
			(answer) => {
				res.writeHead(answer.statusCode ?? 502, answer.headers);
				let events = 0;
				answer.on("data", (chunk: Buffer) => {
					res.write(chunk);
					events += (chunk.toString().match(/^data:/gm) ?? []).length;
					if (cut && proxy.cuts === 0 && events >= cutAfterEvents) {
						proxy.cuts++;
						answer.destroy();
						res.destroy();
					}
				});
				answer.on("end", () => res.end());
			},
		);
		out.on("error", () => res.destroy());
		req.pipe(out);
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	const address = server.address();
	proxy.url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
	proxy.close = () =>
		new Promise<void>((resolve) => {
			server.closeAllConnections();
			server.close(() => resolve());
		});
	return proxy;
}
