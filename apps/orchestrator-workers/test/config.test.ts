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

	it("should give every model role an output limit, overridable and checked", () => {
		expect(readConfig({}).maxOutputTokens).toEqual({ plan: 4096, subtask: 4096, synthesise: 4096, agent: 1024 });
		expect(readConfig({ AGENT_MAX_OUTPUT_TOKENS: "300" }).maxOutputTokens.agent).toBe(300);
		expect(() => readConfig({ SUBTASK_MAX_OUTPUT_TOKENS: "0" })).toThrow(
			/SUBTASK_MAX_OUTPUT_TOKENS must be an integer from 16 to 131072, got "0"/,
		);
		expect(() => readConfig({ PLAN_MAX_OUTPUT_TOKENS: "1e9" })).toThrow(/PLAN_MAX_OUTPUT_TOKENS/);
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

	it("should bound delayed starts by MAX_START_DELAY_DAYS (30 by default) and refuse a bad value", () => {
		expect(readConfig({}).maxStartDelayMs).toBe(30 * 86_400_000);
		expect(readConfig({ MAX_START_DELAY_DAYS: "0.5" }).maxStartDelayMs).toBe(43_200_000);
		expect(() => readConfig({ MAX_START_DELAY_DAYS: "0" })).toThrow(/MAX_START_DELAY_DAYS must be a number of days/);
		expect(() => readConfig({ MAX_START_DELAY_DAYS: "400" })).toThrow(/MAX_START_DELAY_DAYS/);
		expect(() => readConfig({ MAX_START_DELAY_DAYS: "soon" })).toThrow(/MAX_START_DELAY_DAYS/);
	});

	it("should keep the schedules' test clock off unless SCHEDULES_TEST_CLOCK is true", () => {
		expect(readConfig({}).schedulesTestClock).toBe(false);
		expect(readConfig({ SCHEDULES_TEST_CLOCK: "true" }).schedulesTestClock).toBe(true);
		expect(() => readConfig({ SCHEDULES_TEST_CLOCK: "1" })).toThrow(/SCHEDULES_TEST_CLOCK/);
	});
});

describe("models", () => {
	it("should default to current Workers AI models when the AI binding is there", () => {
		expect(modelIds({ AI: {} as Ai })).toMatchObject({
			provider: "workers-ai",
			big: "@cf/meta/llama-3.3-70b-instruct-fp8-fast",
		});
	});

	it("should give each call its role's model and output limit", () => {
		const models = createModels({ MODEL_BASE_URL: "http://127.0.0.1:9/v1", AGENT_MAX_OUTPUT_TOKENS: "300" });
		const prompt = { instructions: "i", prompt: "p" };
		const calls = (["plan", "subtask", "synthesise", "agent"] as const).map((role) => models.call(role, prompt));
		expect(calls.map((c) => [c.modelId, c.maxOutputTokens])).toEqual([
			["llama3.1:8b", 4096],
			["llama3.2:3b", 4096],
			["llama3.1:8b", 4096],
			["llama3.2:3b", 300],
		]);
	});

	it("should say what to configure when no provider can be built", () => {
		expect(() => createModels({ MODEL_PROVIDER: "openai-compatible" })).toThrow(/MODEL_BASE_URL is not set/);
		expect(() => createModels({ MODEL_PROVIDER: "workers-ai" })).toThrow(/no AI binding/);
		expect(() => createModels({ MODEL_PROVIDER: "magic" })).toThrow(/must be "workers-ai" or "openai-compatible"/);
	});

	it("should read the optional run token budget default and ceiling, and refuse bad ones", () => {
		expect(readConfig({})).toMatchObject({ defaultRunMaxTokens: null, maxRunMaxTokens: null });
		expect(readConfig({ DEFAULT_RUN_MAX_TOKENS: "5000", MAX_RUN_MAX_TOKENS: "90000" })).toMatchObject({
			defaultRunMaxTokens: 5000,
			maxRunMaxTokens: 90000,
		});
		for (const bad of ["0", "-1", "2.5", "lots"]) {
			expect(() => readConfig({ DEFAULT_RUN_MAX_TOKENS: bad })).toThrow(
				/DEFAULT_RUN_MAX_TOKENS must be a positive integer/,
			);
		}
		expect(() => readConfig({ DEFAULT_RUN_MAX_TOKENS: "10", MAX_RUN_MAX_TOKENS: "5" })).toThrow(
			/must not be above MAX_RUN_MAX_TOKENS/,
		);
	});
});
