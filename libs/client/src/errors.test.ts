/** Errors as values, against a real HTTP server that answers the API's error shape and a proxy's page. */
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOwClient } from "./client";
import { OwApiError, unwrap } from "./errors";

let server: Server;
let baseUrl: string;

beforeAll(async () => {
	server = createServer((req, res) => {
		if (req.url?.startsWith("/run_missing")) {
			res.writeHead(404, { "content-type": "application/json" });
			res.end(JSON.stringify({ error: { code: "not-found", message: "No run run_missing." } }));
			return;
		}
		res.writeHead(502, { "content-type": "text/html" });
		res.end("<html>Bad gateway</html>");
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	const address = server.address();
	baseUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("results", () => {
	it("should carry the API's error code, message and status", async () => {
		const result = await createOwClient({ baseUrl }).getRun("run_missing");

		expect(result).toMatchObject({
			ok: false,
			status: 404,
			error: { code: "not-found", message: "No run run_missing." },
		});
		expect(() => unwrap(result)).toThrow(OwApiError);
	});

	it("should turn a body that is not the API's error into the same shape", async () => {
		const result = await createOwClient({ baseUrl }).getRun("run_other");

		expect(result).toMatchObject({ ok: false, status: 502, error: { code: "http-502" } });
		expect(result.ok ? "" : result.error.message).toContain("Bad gateway");
	});

	it("should send the API key as a bearer token", async () => {
		const seen: string[] = [];
		const fetchSpy: typeof fetch = (input, init) => {
			seen.push(new Request(input, init).headers.get("authorization") ?? "");
			return fetch(input, init);
		};
		await createOwClient({ baseUrl, apiKey: "secret-key", fetch: fetchSpy }).getRun("run_missing");

		expect(seen).toEqual(["Bearer secret-key"]);
	});
});
