import { describe, expect, it } from "vitest";
import {
	resolvedRunOptionsSchema,
	runLabelsSchema,
	runOptionsSchema,
	runRequestSchema,
	SUBTASKS_CEILING,
} from "./run-request";

describe("runRequestSchema", () => {
	it("should accept a body with only a prompt", () => {
		expect(runRequestSchema.parse({ prompt: "Compare A and B" })).toEqual({ prompt: "Compare A and B" });
	});

	it("should accept a body with every option set", () => {
		const body = {
			prompt: "Compare A and B",
			options: { maxSubtasks: SUBTASKS_CEILING, failurePolicy: "failFast", allowBrowser: true },
		};
		expect(runRequestSchema.parse(body)).toEqual(body);
	});

	it("should trim the prompt", () => {
		expect(runRequestSchema.parse({ prompt: "  hi \n" }).prompt).toBe("hi");
	});

	it("should reject an empty prompt", () => {
		expect(runRequestSchema.safeParse({ prompt: "" }).success).toBe(false);
	});

	it("should reject a prompt of only whitespace with the empty-prompt message", () => {
		const result = runRequestSchema.safeParse({ prompt: " \t\n " });
		expect(result.success).toBe(false);
		expect(result.error?.issues[0]?.message).toBe("prompt must not be empty");
	});

	it.each([
		["NUL", "a\u0000b"],
		["an escape sequence", "\u001b[31mred"],
		["DEL", "a\u007fb"],
		["a C1 control", "a\u0085b"],
	])("should reject a prompt with %s", (_name, prompt) => {
		const result = runRequestSchema.safeParse({ prompt });
		expect(result.error?.issues[0]?.message).toBe("prompt must not contain control characters");
	});

	it("should accept tabs and line breaks inside a prompt", () => {
		expect(runRequestSchema.parse({ prompt: "a\tb\r\nc" }).prompt).toBe("a\tb\r\nc");
	});

	it("should reject a missing prompt", () => {
		expect(runRequestSchema.safeParse({ options: {} }).success).toBe(false);
	});

	it("should reject an unknown top-level field", () => {
		const result = runRequestSchema.safeParse({ prompt: "hi", model: "gpt" });
		expect(result.error?.issues[0]?.code).toBe("unrecognized_keys");
	});

	it("should reject an unknown option", () => {
		const result = runRequestSchema.safeParse({ prompt: "hi", options: { temperature: 0 } });
		expect(result.error?.issues[0]?.code).toBe("unrecognized_keys");
	});

	it.each([0, SUBTASKS_CEILING + 1, 1.5, -1])("should reject maxSubtasks %s", (maxSubtasks) => {
		expect(runRequestSchema.safeParse({ prompt: "hi", options: { maxSubtasks } }).success).toBe(false);
	});

	it.each([1, SUBTASKS_CEILING])("should accept maxSubtasks %s", (maxSubtasks) => {
		expect(runRequestSchema.safeParse({ prompt: "hi", options: { maxSubtasks } }).success).toBe(true);
	});

	it("should reject an unknown failurePolicy", () => {
		expect(runRequestSchema.safeParse({ prompt: "hi", options: { failurePolicy: "retryForever" } }).success).toBe(
			false,
		);
	});

	it("should reject a non-boolean allowBrowser", () => {
		expect(runRequestSchema.safeParse({ prompt: "hi", options: { allowBrowser: "yes" } }).success).toBe(false);
	});
});

describe("runOptionsSchema", () => {
	it("should accept no options at all", () => {
		expect(runOptionsSchema.parse({})).toEqual({});
	});
});

describe("resolvedRunOptionsSchema", () => {
	it("should require every option", () => {
		expect(resolvedRunOptionsSchema.safeParse({ maxSubtasks: 4 }).success).toBe(false);
	});
});

describe("runLabelsSchema", () => {
	it("should accept up to 16 labels with valid keys and values up to 256 characters", () => {
		const labels = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k.${i}_x-y`, "v".repeat(256)]));
		expect(runLabelsSchema.parse(labels)).toEqual(labels);
		expect(runOptionsSchema.parse({ labels: { team: "search" } })).toEqual({ labels: { team: "search" } });
	});

	it.each([
		["an upper-case key", { Team: "x" }, "Team"],
		["a key with a colon", { "a:b": "x" }, "a:b"],
		["an empty key", { "": "x" }, 'label key ""'],
		["a key of 64 characters", { ["k".repeat(64)]: "x" }, "k".repeat(64)],
		["a value of 257 characters", { team: "x".repeat(257) }, 'label "team" has a value of 257 characters'],
		["a control character in a value", { team: "a\u001bb" }, 'label "team" must not contain control characters'],
		["17 labels", Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, "v"])), "at most 16 labels"],
	])("should refuse %s, naming it", (_name, labels, named) => {
		const result = runLabelsSchema.safeParse(labels);
		expect(result.success).toBe(false);
		expect(result.error?.issues.map((i) => i.message).join("; ")).toContain(named);
	});

	it("should refuse a value that is not a string", () => {
		expect(runLabelsSchema.safeParse({ team: 7 }).error?.issues[0]?.path).toEqual(["team"]);
	});
});

describe("delayed runs in runOptionsSchema", () => {
	it("should take an ISO start time with an offset, or a delay in seconds", () => {
		expect(runOptionsSchema.parse({ startAt: "2030-01-02T03:04:05Z" })).toEqual({ startAt: "2030-01-02T03:04:05Z" });
		expect(runOptionsSchema.parse({ startAt: "2030-01-02T03:04:05+02:00" }).startAt).toBe("2030-01-02T03:04:05+02:00");
		expect(runOptionsSchema.parse({ delaySeconds: 3 })).toEqual({ delaySeconds: 3 });
	});

	it.each([{ startAt: "tomorrow" }, { startAt: "2030-01-02" }, { delaySeconds: -1 }, { delaySeconds: 1.5 }])(
		"should refuse %j",
		(options) => {
			expect(runOptionsSchema.safeParse(options).success).toBe(false);
		},
	);
});
