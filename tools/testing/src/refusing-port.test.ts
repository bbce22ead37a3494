import { connect, createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { holdRefusingPort } from "./refusing-port.ts";

/** The error code of connecting to (or listening on) `port`, or "ok". */
const outcome = (start: (done: (code: string) => void) => void) => new Promise<string>((resolve) => start(resolve));

describe("holdRefusingPort", () => {
	it("should refuse connections and keep the port from being bound by anyone else while held", async () => {
		const held = await holdRefusingPort();
		try {
			const connected = await outcome((done) => {
				const socket = connect(held.port, "127.0.0.1", () => (socket.destroy(), done("ok")));
				socket.once("error", (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
			});
			const listened = await outcome((done) => {
				const server = createServer();
				server.once("error", (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
				server.listen(held.port, "127.0.0.1", () => server.close(() => done("ok")));
			});
			expect({ connected, listened }).toEqual({ connected: "ECONNREFUSED", listened: "EADDRINUSE" });
			expect(held.url).toBe(`http://127.0.0.1:${held.port}`);
		} finally {
			await held.close();
		}
	});
});
