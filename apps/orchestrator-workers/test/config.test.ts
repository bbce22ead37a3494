import { describe, expect, it } from "vitest";
import { readConfig } from "../src/config";
import { createModels, modelIds } from "../src/models";

describe("readConfig", () => {
	it("should apply the documented defaults", () => {
		expect(readConfig({})).toMatchObject({ maxSubtasks: 16, maxParallel: 6, maxPromptChars: 20_000 });
	});

	it("should read overrides and refuse unusable values loudly", () => {
		expect(readConfig({ MAX_PARALLEL: "2" }).maxParallel).toBe(2);
		expect(() => readConfig({ MAX_PARALLEL: "lots" })).toThrow(
			/MAX_PARALLEL must be an integer from 1 to 64, got "lots"/,
		);
		expect(() => readConfig({ MAX_SUBTASKS: "0" })).toThrow(/MAX_SUBTASKS/);
	});

	it("should read IDEMPOTENCY_TTL_HOURS in hours, fractions included, and refuse what is not a duration", () => {
		expect(readConfig({}).idempotencyTtlMs).toBe(24 * 3_600_000);
		expect(readConfig({ IDEMPOTENCY_TTL_HOURS: "0.5" }).idempotencyTtlMs).toBe(1_800_000);
		for (const bad of ["0", "-1", "soon", "Infinity", "100000"]) {
			expect(() => readConfig({ IDEMPOTENCY_TTL_HOURS: bad })).toThrow(
				`IDEMPOTENCY_TTL_HOURS must be a number from 0.001 to 8760, got "${bad}".`,
			);
		}
	});
});

describe("models", () => {
	it("should default to current Workers AI models when the AI binding is there", () => {
		expect(modelIds({ AI: {} as Ai })).toMatchObject({
			provider: "workers-ai",
			big: "@cf/meta/llama-3.3-70b-instruct-fp8-fast",
		});
	});

	it("should say what to configure when no provider can be built", () => {
		expect(() => createModels({ MODEL_PROVIDER: "openai-compatible" })).toThrow(/MODEL_BASE_URL is not set/);
		expect(() => createModels({ MODEL_PROVIDER: "workers-ai" })).toThrow(/no AI binding/);
		expect(() => createModels({ MODEL_PROVIDER: "magic" })).toThrow(/must be "workers-ai" or "openai-compatible"/);
	});
});
