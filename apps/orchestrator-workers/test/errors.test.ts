import { env } from "cloudflare:workers";
import { APICallError } from "ai";
import { describe, expect, it } from "vitest";
import { OrchestratorError, parseRetryAfter } from "../src/errors";
import { createModels } from "../src/models";
import { generateAnswer } from "../src/workflows/model-call";
import { scenario } from "./scenario";

const apiError = (statusCode: number | undefined, headers: Record<string, string> = {}) =>
	new APICallError({
		message: "boom",
		url: "http://model.test/v1/chat/completions",
		requestBodyValues: {},
		statusCode,
		responseHeaders: headers,
		isRetryable: statusCode === undefined || statusCode === 429 || statusCode >= 500,
	});

describe("OrchestratorError.fromModelCall", () => {
	it.each([
		[429, "model-rate-limited", true],
		[500, "model-error", true],
		[400, "model-rejected", false],
		[401, "model-rejected", false],
		[undefined, "model-unreachable", true],
	])("should classify a %s answer as %s", (status, code, recoverable) => {
		const error = OrchestratorError.fromModelCall(apiError(status), "fix it");
		expect([error.code, error.recoverable]).toEqual([code, recoverable]);
	});

	it("should keep a 429's Retry-After", () => {
		expect(OrchestratorError.fromModelCall(apiError(429, { "retry-after": "7" }), "").retryAfterSeconds).toBe(7);
	});

	it("should map its codes to HTTP statuses", () => {
		expect(new OrchestratorError("prompt-too-large", "x").status).toBe(413);
		expect(new OrchestratorError("body-too-large", "x").status).toBe(413);
		expect(new OrchestratorError("plan-invalid", "x").status).toBe(500);
	});
});

describe("parseRetryAfter", () => {
	it("should read seconds and HTTP dates", () => {
		expect(parseRetryAfter("3")).toBe(3);
		expect(parseRetryAfter(new Date(10_000).toUTCString(), 0)).toBe(10);
		expect(parseRetryAfter("soon")).toBeUndefined();
	});
});

describe("an unreachable model server", () => {
	it("should fail with model-unreachable and say what to configure", async () => {
		// Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
		const models = createModels({ MODEL_PROVIDER: "openai-compatible", MODEL_BASE_URL: "http://127.0.0.1:9/v1" });
		const call = generateAnswer(models.call("subtask", { instructions: "i", prompt: "p" }));
		await expect(call).rejects.toMatchObject({ code: "model-unreachable", recoverable: true });
		await expect(call).rejects.toThrow(/Start an OpenAI-compatible server at http:\/\/127\.0\.0\.1:9\/v1/);
	});
});

describe("a model that never answers", () => {
	it("should be abandoned after MODEL_CALL_TIMEOUT_MS with a retryable error naming the setting", async () => {
		const s = await scenario([{ match: "", replies: [{ kind: "hang" }] }]);
		const models = createModels({
			MODEL_PROVIDER: "openai-compatible",
			MODEL_BASE_URL: env.MODEL_BASE_URL,
			MODEL_CALL_TIMEOUT_MS: "1000",
		});
		const started = Date.now();
		const call = generateAnswer(models.call("subtask", { instructions: "i", prompt: s.prompt() }));

		await expect(call).rejects.toMatchObject({ code: "model-unreachable", recoverable: true });
		await expect(call).rejects.toThrow(/did not answer within 1000 ms \(MODEL_CALL_TIMEOUT_MS\)/);
		expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
	});
});
