import { describe, expect, it } from "vitest";
import type { HTTPResponse } from "@cloudflare/puppeteer";
import { assertPublicResponse } from "../src/page-reader";
import { decideRequest } from "../src/url-safety";

const strict = { allowPrivate: false };

describe("decideRequest", () => {
	it("should let public requests through", () => {
		expect(decideRequest("https://example.com/", true, strict)).toEqual({ action: "continue" });
		expect(decideRequest("https://cdn.example.com/app.js", false, strict)).toEqual({ action: "continue" });
	});

	it("should abort a main-frame redirect to a private address and say why", () => {
		const decision = decideRequest("http://169.254.169.254/latest/meta-data/", true, strict);
		expect(decision).toMatchObject({ action: "abort", refused: expect.stringMatching(/169\.254\.169\.254/) });
	});

	it("should silently drop a subresource on a private address", () => {
		expect(decideRequest("http://10.0.0.1/pixel.gif", false, strict)).toEqual({ action: "abort", refused: null });
	});

	it("should let in-page schemes load, but not as the main frame", () => {
		expect(decideRequest("data:image/png;base64,AAAA", false, strict)).toEqual({ action: "continue" });
		expect(decideRequest("about:blank", true, strict)).toEqual({ action: "continue" });
		expect(decideRequest("data:text/html,<h1>x</h1>", true, strict)).toMatchObject({ action: "abort" });
	});

	it("should abort a main-frame redirect to a metadata address even with private URLs allowed", () => {
		const decision = decideRequest("http://[::ffff:a9fe:a9fe]/", true, { allowPrivate: true });
		expect(decision).toMatchObject({ action: "abort", refused: expect.stringMatching(/never allowed/) });
	});

	it("should refuse other schemes even with private URLs allowed", () => {
		expect(decideRequest("file:///etc/passwd", true, { allowPrivate: true })).toMatchObject({ action: "abort" });
		expect(decideRequest("http://127.0.0.1:8080/", true, { allowPrivate: true })).toEqual({ action: "continue" });
	});
});

/** A main-document response as puppeteer reports it: `url` served from `ip`. */
const from = (ip: string | undefined, url = "https://public.example/") =>
	({ remoteAddress: () => ({ ip }), url: () => url }) as unknown as HTTPResponse;

describe("assertPublicResponse", () => {
	it("should refuse a document served from a private address, unless private URLs are allowed", () => {
		expect(() => assertPublicResponse(from("10.0.0.7"), "https://public.example/", strict)).toThrow(
			expect.objectContaining({ code: "url-refused" }),
		);
		expect(() =>
			assertPublicResponse(from("10.0.0.7"), "https://public.example/", { allowPrivate: true }),
		).not.toThrow();
	});

	it("should pass a listed host's private address, and refuse a metadata address even with private URLs allowed", () => {
		const allowedHosts = new Set(["docs.corp:443"]);
		const served = from("10.0.0.7", "https://docs.corp/guide");
		expect(() =>
			assertPublicResponse(served, "https://docs.corp/guide", { allowPrivate: false, allowedHosts }),
		).not.toThrow();
		expect(() =>
			assertPublicResponse(from("169.254.169.254"), "https://public.example/", { allowPrivate: true }),
		).toThrow(expect.objectContaining({ code: "url-refused" }));
	});

	it("should pass a public address, an unknown one and no response", () => {
		expect(() => assertPublicResponse(from("93.184.215.14"), "https://example.com/", strict)).not.toThrow();
		expect(() => assertPublicResponse(from(undefined), "https://example.com/", strict)).not.toThrow();
		expect(() => assertPublicResponse(null, "https://example.com/", strict)).not.toThrow();
	});
});
