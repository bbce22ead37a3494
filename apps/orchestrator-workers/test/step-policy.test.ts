import { describe, expect, it } from "vitest";
import { OrchestratorError } from "../src/errors";
import { delayOf } from "../src/workflows/start-time";
import { fromStepError, retryDelayMs, toStepError } from "../src/workflows/step-policy";

const policy = { retryLimit: 3, retryDelayMs: 1_000, timeoutMs: 60_000 };

describe("retryDelayMs", () => {
	it("should back off exponentially", () => {
		expect([1, 2, 3].map((attempt) => retryDelayMs(policy, attempt, new Error("x")))).toEqual([1_000, 2_000, 4_000]);
	});

	it("should wait at least as long as the provider's Retry-After", () => {
		const limited = toStepError(
			new OrchestratorError("model-rate-limited", "slow down", { recoverable: true, retryAfterSeconds: 30 }),
		);
		expect(retryDelayMs(policy, 1, limited)).toBe(30_000);
		expect(retryDelayMs(policy, 1, new Error(limited.message))).toBe(30_000);
	});

	it("should cap the wait", () => {
		expect(retryDelayMs(policy, 20, new Error("x"))).toBe(300_000);
	});
});

describe("step errors", () => {
	it("should make a permanent error non-retryable and keep its code through the message", () => {
		const error = toStepError(new OrchestratorError("url-refused", "no private addresses"));
		expect(error.name).toBe("NonRetryableError");
		expect(fromStepError(error)).toEqual({ code: "url-refused", message: "no private addresses" });
	});

	it("should read the code back after the platform prefixed the error's name", () => {
		expect(fromStepError(new Error("NonRetryableError: [plan-invalid] bad plan"))).toEqual({
			code: "plan-invalid",
			message: "bad plan",
		});
	});

	it("should treat an unknown message as internal", () => {
		expect(fromStepError(new Error("Step timed out"))).toEqual({ code: "internal", message: "Step timed out" });
	});
});

describe("delayOf", () => {
	// Counted from the instance's creation, so every replay of the start-at sleep asks for the same duration.
	it("should measure the start-at sleep from the instance's creation, whenever it is asked", () => {
		const created = new Date("2026-01-01T00:00:00.000Z");
		expect(delayOf("2026-01-01T00:01:30.000Z", created)).toBe(90_000);
		expect(delayOf("2026-01-01T00:01:30.000Z", created.toISOString())).toBe(90_000);
	});

	it("should not sleep for a start time already past", () => {
		expect(delayOf("2025-12-31T23:59:00.000Z", new Date("2026-01-01T00:00:00.000Z"))).toBe(0);
	});
});
