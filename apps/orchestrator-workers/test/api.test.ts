import { env, exports } from "cloudflare:workers";
import { apiErrorSchema } from "@ow/schemas";
import { describe, expect, it } from "vitest";
import { MAX_HEADER_BYTES, MAX_HEADERS_TOTAL_BYTES } from "../src/http/header-limits";
import { getStatus, post } from "./run-helpers";

const request = (path: string, init?: RequestInit) => exports.default.fetch(`http://orchestrator.test${path}`, init);

async function expectError(res: Response, status: number, code: string) {
	expect(res.status).toBe(status);
	const body = apiErrorSchema.parse(await res.json());
	expect(body.error.code).toBe(code);
	expect(body.error.message.length).toBeGreaterThan(0);
	return body;
}

describe("POST /", () => {
	it("should start a run and answer 202 with its id and links", async () => {
		const res = await post("/", {
			prompt: "Say hello.",
			options: { maxSubtasks: 2, failurePolicy: "failFast", allowBrowser: false },
		});
		expect(res.status).toBe(202);
		const body = await res.json<{ id: string; status: string; links: { self: string; events: string } }>();
		expect(body.id).toMatch(/^run_[0-9a-z]+$/);
		expect(body).toMatchObject({ status: "queued", links: { self: `/${body.id}`, events: `/${body.id}/events` } });
		expect(res.headers.get("location")).toBe(`/${body.id}`);
		const status = await getStatus(body.id);
		expect(status.options).toEqual({
			maxSubtasks: 2,
			failurePolicy: "failFast",
			allowBrowser: false,
			screenshots: false,
			approvePlan: false,
			approvalTimeoutMinutes: 1440,
			budget: { maxTokens: null, maxCostUsd: null },
			onBudgetExceeded: "stop",
		});
		expect(status.prompt).toBe("Say hello.");
		const instance = await env.ORCHESTRATOR_WORKFLOW.get(body.id);
		await instance.terminate();
	});

	const badBodies: [string, unknown, string][] = [
		["no prompt", {}, "prompt"],
		["an empty prompt", { prompt: "   " }, "prompt"],
		["a prompt that is not a string", { prompt: 42 }, "prompt"],
		["an unknown field", { prompt: "x", extra: true }, "extra"],
		["an unknown option", { prompt: "x", options: { turbo: true } }, "turbo"],
		["maxSubtasks 0", { prompt: "x", options: { maxSubtasks: 0 } }, "options.maxSubtasks"],
		["a fractional maxSubtasks", { prompt: "x", options: { maxSubtasks: 1.5 } }, "options.maxSubtasks"],
		["maxSubtasks over the ceiling", { prompt: "x", options: { maxSubtasks: 65 } }, "options.maxSubtasks"],
		["an unknown failure policy", { prompt: "x", options: { failurePolicy: "yolo" } }, "options.failurePolicy"],
		["a prompt with a NUL character", { prompt: "a\u0000b" }, "prompt"],
	];
	for (const [what, body, path] of badBodies) {
		it(`should answer 400 with the zod issues for ${what}`, async () => {
			const { error } = await expectError(await post("/", body), 400, "invalid-request");
			expect(JSON.stringify(error.details)).toContain(path);
		});
	}

	it("should answer 400, not clamp, when maxSubtasks is over MAX_SUBTASKS", async () => {
		const { error } = await expectError(
			await post("/", { prompt: "x", options: { maxSubtasks: 17 } }),
			400,
			"invalid-request",
		);
		expect(error.message).toContain("MAX_SUBTASKS");
	});

	it("should answer 400 for malformed JSON", async () => {
		await expectError(await post("/", "{not json"), 400, "invalid-request");
	});

	it("should answer 413 for a prompt over MAX_PROMPT_CHARS", async () => {
		const { error } = await expectError(await post("/", { prompt: "x".repeat(20_001) }), 413, "prompt-too-large");
		expect(error.message).toContain("20001");
	});

	it("should answer 413 for a body over the size limit", async () => {
		const { error } = await expectError(await post("/", { prompt: "x".repeat(300 * 1024) }), 413, "body-too-large");
		expect(error.message).toContain("262144 bytes");
	});

	it.each(["text/plain", "application/x-www-form-urlencoded", ""])(
		"should answer 415 for a body sent as %j",
		async (contentType) => {
			const res = await request("/", {
				method: "POST",
				headers: contentType ? { "content-type": contentType } : {},
				body: JSON.stringify({ prompt: "Say hello." }),
			});
			await expectError(res, 415, "unsupported-media-type");
		},
	);

	it("should answer 400 for an Idempotency-Key that is not printable ASCII", async () => {
		const res = await post("/", { prompt: "x" }, { "Idempotency-Key": "key\u007f" });
		const { error } = await expectError(res, 400, "invalid-request");
		expect(error.message).toContain("printable ASCII");
	});

	it("should register nothing for a rejected body", async () => {
		const before = await env.DB.prepare("SELECT COUNT(*) AS n FROM runs").first<number>("n");
		await post("/", { prompt: "" });
		await post("/", { prompt: "x".repeat(20_001) });
		expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM runs").first<number>("n")).toBe(before);
	});
});

describe("GET /:id", () => {
	it("should answer 404 for an unknown run", async () => {
		await expectError(await request("/run_0000000000aaaaaaaaaaaaaaa"), 404, "not-found");
	});

	it("should answer 404 for an id that is not a run id", async () => {
		await expectError(await request("/not-a-run"), 404, "not-found");
	});

	it("should say the Worker's own time on the read in Server-Timing", async () => {
		const res = await post("/", { prompt: "Later.", options: { delaySeconds: 3_600 } });
		const { id } = await res.json<{ id: string }>();
		try {
			const read = await request(`/${id}`);
			expect(read.status).toBe(200);
			expect(read.headers.get("server-timing")).toMatch(/^total;dur=\d+(\.\d+)?;desc="the Worker's time on the read"$/);
		} finally {
			await (await env.ORCHESTRATOR_WORKFLOW.get(id)).terminate();
		}
	});
});

describe("the framework's own errors", () => {
	it("should answer 404 JSON for an unknown route", async () => {
		await expectError(await request("/no/such/route"), 404, "not-found");
	});

	it("should answer 405 JSON with Allow for a wrong method", async () => {
		const res = await request("/", { method: "PUT" });
		await expectError(res, 405, "method-not-allowed");
		expect(res.headers.get("allow")).toBe("POST");
		await expectError(await request("/health", { method: "POST" }), 405, "method-not-allowed");
	});

	it("should answer 405, not 404, for DELETE /batch", async () => {
		const res = await request("/batch", { method: "DELETE" });
		await expectError(res, 405, "method-not-allowed");
		expect(res.headers.get("allow")).toBe("POST");
	});

	it("should answer /health", async () => {
		const res = await request("/health");
		expect(await res.json()).toEqual({ status: "ok" });
	});
});

describe("header limits", () => {
	it("should let headers within the limits through", async () => {
		const res = await request("/health", { headers: { "x-padding": "p".repeat(MAX_HEADER_BYTES - 100) } });
		expect(res.status).toBe(200);
	});

	it("should answer 431 JSON for one header over MAX_HEADER_BYTES", async () => {
		const res = await request("/health", { headers: { "x-padding": "p".repeat(MAX_HEADER_BYTES) } });
		const { error } = await expectError(res, 431, "headers-too-large");
		expect(error.message).toContain("x-padding");
	});

	it("should answer 431 JSON for headers over MAX_HEADERS_TOTAL_BYTES together", async () => {
		const count = Math.ceil(MAX_HEADERS_TOTAL_BYTES / 1000);
		const headers = Object.fromEntries(Array.from({ length: count }, (_, i) => [`x-part-${i}`, "p".repeat(1000)]));
		const { error } = await expectError(await request("/health", { headers }), 431, "headers-too-large");
		expect(error.message).toContain(String(MAX_HEADERS_TOTAL_BYTES));
	});
});
