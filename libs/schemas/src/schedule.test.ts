import { describe, expect, it } from "vitest";
import { schedulePatchSchema, scheduleRequestSchema } from "./schedule";

describe("scheduleRequestSchema", () => {
	it("should take a cron, a prompt, run options, a time zone and labels", () => {
		const body = {
			cron: "*/5 * * * *",
			prompt: "Summarise the news",
			options: { maxSubtasks: 2 },
			timezone: "Europe/Berlin",
			labels: { team: "search", "env.name": "prod" },
		};
		expect(scheduleRequestSchema.parse(body)).toEqual(body);
	});

	it.each([
		["a delay of its own", { options: { delaySeconds: 5 } }],
		["a start time of its own", { options: { startAt: "2030-01-01T00:00:00Z" } }],
		["a label key with capitals", { labels: { Team: "x" } }],
		["a label value over 256 characters", { labels: { team: "x".repeat(257) } }],
		["more than 16 labels", { labels: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, "v"])) }],
		["an unknown field", { every: "minute" }],
	])("should refuse %s", (_what, extra) => {
		expect(scheduleRequestSchema.safeParse({ cron: "* * * * *", prompt: "p", ...extra }).success).toBe(false);
	});
});

describe("schedulePatchSchema", () => {
	it("should refuse an empty patch", () => {
		expect(schedulePatchSchema.safeParse({}).success).toBe(false);
		expect(schedulePatchSchema.parse({ paused: true })).toEqual({ paused: true });
	});
});
