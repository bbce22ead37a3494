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
});

describe("recovery and retention settings", () => {
	it("should default to the timer alone and 30 days", () => {
		expect(readConfig({})).toMatchObject({ recoveryBootCheck: false, runRetentionDays: 30 });
	});

	it("should read a boolean boot check and fractional days, and refuse anything else", () => {
		expect(readConfig({ RECOVERY_BOOT_CHECK: "true", RUN_RETENTION_DAYS: "0.5" })).toMatchObject({
			recoveryBootCheck: true,
			runRetentionDays: 0.5,
		});
		expect(() => readConfig({ RECOVERY_BOOT_CHECK: "yes" })).toThrow(/RECOVERY_BOOT_CHECK must be "true" or "false"/);
		expect(() => readConfig({ RUN_RETENTION_DAYS: "0" })).toThrow(/RUN_RETENTION_DAYS must be a number of days/);
		expect(() => readConfig({ RUN_RETENTION_DAYS: "-1" })).toThrow(/RUN_RETENTION_DAYS/);
		expect(() => readConfig({ RUN_RETENTION_DAYS: "forever" })).toThrow(/RUN_RETENTION_DAYS/);
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
