/**
 * A port on 127.0.0.1 that refuses every connection for as long as it is held: what a test of an
 * unreachable host points at.
 *
 * Picking a free port and closing it races: another process (a wrangler dev, a test server) may bind
 * it before the test uses it, and the "unreachable" host then answers. Here the port stays bound by a
 * socket that never listens, so a connection to it is refused (RST) and nobody else can bind it. Node
 * cannot bind a TCP socket without connecting or listening, so the socket is the client end of a
 * connection to a throwaway server: its local port is bound, and nothing listens on it.
 */
import { createServer, connect, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

export interface RefusingPort {
	port: number;
	/** `http://127.0.0.1:<port>` */
	url: string;
	/** Releases the port. */
	close(): Promise<void>;
}

export async function holdRefusingPort(): Promise<RefusingPort> {
	const accepted: Socket[] = [];
	const server = createServer((socket) => accepted.push(socket));
	await new Promise<void>((resolve, reject) => {
		server.once("error", reject);
		server.listen(0, "127.0.0.1", resolve);
	});
	const holder = connect((server.address() as AddressInfo).port, "127.0.0.1");
	await new Promise<void>((resolve, reject) => {
		holder.once("connect", resolve);
		holder.once("error", reject);
	});
	// Nothing is ever written on this connection; it only keeps the local port bound.
	holder.unref();
	server.unref();
	const port = holder.localPort!;
	return {
		port,
		url: `http://127.0.0.1:${port}`,
		close: async () => {
			holder.destroy();
			for (const socket of accepted) socket.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
