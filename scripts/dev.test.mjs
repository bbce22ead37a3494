// Run from the workspace root: `npx vitest run scripts/dev.test.mjs`.
import { createServer } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { wakeWhenReady } from "./dev.mjs";

const listening = (server) =>
	new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server.address().port)));
let server;
afterEach(() => server?.close());

describe("wakeWhenReady", () => {
	it("should keep asking until the server answers, then stop", async () => {
		let requests = 0;
		let refused = 0;
		server = createServer((_req, res) => {
			requests++;
			res.end("ok");
		});
		// The first connections are dropped unanswered, as while wrangler is still starting workerd.
		server.on("connection", (socket) => {
			if (refused < 2) {
				refused++;
				socket.destroy();
			}
		});
		const port = await listening(server);

		await expect(
			wakeWhenReady(`http://127.0.0.1:${port}/health`, { exitCode: null }, { intervalMs: 50 }),
		).resolves.toBe(true);
		expect([refused, requests]).toEqual([2, 1]);
	});

	it("should give up when the server process has exited", async () => {
		await expect(wakeWhenReady("http://127.0.0.1:9/health", { exitCode: 1 })).resolves.toBe(false);
	});
});
