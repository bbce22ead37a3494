import { describe, expect, it } from "vitest";
import { checkedFetch, createContractCheck, createEventDataCheck } from "./openapi-contract.ts";

const check = createContractCheck();
const API = "http://127.0.0.1:8787";
const RUN = "run_0000000000zzzzzzzzzzzzzz";
const json = (status: number, body: unknown) =>
	new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
const apiError = (status: number, code: string) => json(status, { error: { code, message: "No." } });

describe("the contract check", () => {
	it("should pass answers the document describes", async () => {
		const answers: [string, string, Response][] = [
			["GET", `${API}/health`, json(200, { status: "ok" })],
			["GET", `${API}/${RUN}`, apiError(404, "not-found")],
			["DELETE", `${API}/health`, apiError(405, "method-not-allowed")],
			[
				"GET",
				`${API}/${RUN}/timeline.svg`,
				new Response("<svg/>", { headers: { "content-type": "image/svg+xml; charset=utf-8" } }),
			],
			[
				"GET",
				`${API}/${RUN}/artifacts/runs/${RUN}/shot.png`,
				new Response("png", { headers: { "content-type": "image/png" } }),
			],
			["GET", `${API}/${RUN}/events`, new Response(null, { status: 204 })],
		];
		for (const [method, url, response] of answers) await expect(check(method, url, response)).resolves.toBeUndefined();
	});

	it("should refuse a status the operation does not list", async () => {
		await expect(check("GET", `${API}/health`, json(418, { status: "ok" }))).rejects.toThrow(
			"GET /health answered 418: the document lists no such status",
		);
	});

	it("should refuse a JSON body that does not match the response schema", async () => {
		await expect(check("GET", `${API}/health`, json(200, { status: "down" }))).rejects.toThrow(
			"a body the document does not describe",
		);
		await expect(check("GET", `${API}/${RUN}`, json(404, { message: "gone" }))).rejects.toThrow(
			"a body the document does not describe",
		);
	});

	it("should refuse a media type the response does not declare", async () => {
		await expect(check("GET", `${API}/${RUN}/timeline.svg`, json(200, { svg: "" }))).rejects.toThrow(
			"with application/json, not image/svg+xml",
		);
	});

	it("should refuse anything but a 404 or 405 error where the document has no operation", async () => {
		await expect(check("PUT", `${API}/health`, json(200, { status: "ok" }))).rejects.toThrow("no such operation");
		await expect(check("PUT", `${API}/health`, json(405, { status: "ok" }))).rejects.toThrow(
			"a body the document does not describe",
		);
	});

	it("should make a checked fetch throw on an answer the document does not describe", async () => {
		const fetchImpl = (async () => json(500, { oops: true })) as unknown as typeof fetch;
		await expect(checkedFetch(check, fetchImpl)(`${API}/health`)).rejects.toThrow("GET /health answered 500");
		const ok = (async () => json(200, { status: "ok" })) as unknown as typeof fetch;
		expect(await (await checkedFetch(check, ok)(`${API}/health`)).json()).toEqual({ status: "ok" });
	});

	it("should check each event's data against the stream's event schema", () => {
		const checkEvent = createEventDataCheck();
		const event = { seq: 3, runId: RUN, type: "synthesis.delta", at: "2026-01-01T00:00:00.000Z", data: { text: "Hi" } };
		expect(() => checkEvent(event)).not.toThrow();
		expect(() => checkEvent({ seq: 1, type: "no.such.event" })).toThrow("An event the document does not describe");
		expect(() => checkEvent("not an event")).toThrow("An event the document does not describe");
	});
});
