import { createExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { BrowserHarness } from "../src/index";

const post = (path: string, body: string) =>
	exports.default.fetch(`http://harness${path}`, {
		method: "POST",
		headers: { "content-type": "application/json" },
		body,
	});

async function expectEnvelope(res: Response, status: number, code: string) {
	expect(res.status).toBe(status);
	expect(res.headers.get("content-type")).toMatch(/application\/json/);
	const body = await res.json<{ error: { code: string; message: string } }>();
	expect(body.error).toMatchObject({ code });
	expect(typeof body.error.message).toBe("string");
	return body;
}

describe("HTTP surface", () => {
	it("should answer /health", async () => {
		const res = await exports.default.fetch("http://harness/health");
		expect(await res.json()).toEqual({ status: "ok" });
	});

	it("should answer an unknown route with a JSON 404", async () => {
		await expectEnvelope(await exports.default.fetch("http://harness/nope"), 404, "not-found");
	});

	it("should answer a wrong method with a JSON 405 and Allow", async () => {
		const res = await exports.default.fetch("http://harness/browse");
		await expectEnvelope(res, 405, "method-not-allowed");
		expect(res.headers.get("allow")).toBe("POST");
	});

	it("should refuse malformed JSON with a 400", async () => {
		await expectEnvelope(await post("/browse", "{"), 400, "invalid-request");
	});

	it("should refuse a body that breaks the schema with a 400 and the issues", async () => {
		const body = await expectEnvelope(
			await post("/browse", JSON.stringify({ url: "https://a.test", timeoutMs: 5 })),
			400,
			"invalid-request",
		);
		expect(body).toMatchObject({ error: { details: [{ path: "timeoutMs" }] } });
	});

	it("should refuse a private URL before touching a browser", async () => {
		const body = await expectEnvelope(
			await post("/browse", JSON.stringify({ url: "http://10.0.0.1/" })),
			403,
			"url-refused",
		);
		expect(body).toMatchObject({ ok: false, error: { retryable: false } });
	});

	it("should refuse an out-of-range pool size with a 400", async () => {
		await expectEnvelope(await post("/pool/scale", JSON.stringify({ size: 0 })), 400, "invalid-request");
		await expectEnvelope(await post("/pool/scale", JSON.stringify({ size: 2, extra: true })), 400, "invalid-request");
	});

	it("should scale the pool and report it", async () => {
		const res = await post("/pool/scale", JSON.stringify({ size: 3 }));
		expect(res.status).toBe(200);
		expect(await res.json()).toMatchObject({ size: 3, busy: 0, queued: 0 });
		expect(await (await exports.default.fetch("http://harness/pool")).json()).toMatchObject({ size: 3 });
	});

	it("should answer a missing artifact with a JSON 404", async () => {
		await expectEnvelope(
			await exports.default.fetch(
				"http://harness/artifacts/screenshots/adhoc/00000000-0000-0000-0000-000000000000.jpg",
			),
			404,
			"not-found",
		);
		await expectEnvelope(await exports.default.fetch("http://harness/artifacts/../secrets"), 404, "not-found");
	});

	it("should serve a stored screenshot", async () => {
		const key = "screenshots/run_1/11111111-2222-3333-4444-555555555555.jpg";
		await env.ARTIFACTS.put(key, new Uint8Array([0xff, 0xd8, 0xff]), { httpMetadata: { contentType: "image/jpeg" } });
		const res = await exports.default.fetch(`http://harness/artifacts/${key}`);
		expect(res.headers.get("content-type")).toBe("image/jpeg");
		expect(new Uint8Array(await res.arrayBuffer())).toEqual(new Uint8Array([0xff, 0xd8, 0xff]));
	});
});

describe("RPC entrypoint", () => {
	it("should return url-refused and invalid-request as values", async () => {
		await expect(exports.BrowserHarness.browse({ url: "file:///etc/passwd" })).resolves.toMatchObject({
			ok: false,
			error: { code: "url-refused", retryable: false },
		});
		await expect(exports.BrowserHarness.browse({ url: "" })).resolves.toMatchObject({
			ok: false,
			error: { code: "invalid-request" },
		});
	});

	it("should return null for a missing artifact", async () => {
		await expect(exports.BrowserHarness.artifact("screenshots/adhoc/nope.jpg")).resolves.toBeNull();
	});

	it("should delete every screenshot of one run and nothing of another", async () => {
		const key = (run: string, n: number) =>
			`screenshots/${run}/${String(n).padStart(8, "0")}-2222-3333-4444-555555555555.jpg`;
		const gone = [1, 2, 3].map((n) => key("run_purged", n));
		const kept = key("run_purged2", 1);
		for (const k of [...gone, kept]) await env.ARTIFACTS.put(k, new Uint8Array([1]));

		await expect(exports.BrowserHarness.deleteRunArtifacts("run_purged")).resolves.toBe(3);

		expect((await env.ARTIFACTS.list({ prefix: "screenshots/run_purged/" })).objects).toEqual([]);
		expect(await env.ARTIFACTS.head(kept)).not.toBeNull();
		// A run id that is not one key segment deletes nothing (never a wider folder).
		await expect(exports.BrowserHarness.deleteRunArtifacts("run_purged2/..")).resolves.toBe(0);
		await expect(exports.BrowserHarness.deleteRunArtifacts("")).resolves.toBe(0);
		expect(await env.ARTIFACTS.head(kept)).not.toBeNull();
	});

	it("should reject an out-of-range scale", async () => {
		// Called on an instance: a rejection through the test pool's loopback RPC is also reported as unhandled.
		const harness = new BrowserHarness(createExecutionContext(), env);
		await expect(harness.scalePool(1000)).rejects.toMatchObject({ code: "invalid-request" });
	});
});
