/**
 * Schedules: a prompt started as a run at each tick of a cron expression (`POST /schedules`).
 */
import { z } from "zod";
import { runOptionsSchema, runRequestSchema } from "./run-request";

/**
 * A schedule's labels: `key: value` string pairs copied onto every run it starts. The same rules as
 * run labels (issue 21, part 3); where both exist, runs' own schema is the one to keep.
 */
export const scheduleLabelsSchema = z
	.record(z.string().regex(/^[a-z0-9_.-]{1,63}$/, "label keys are 1 to 63 of a-z 0-9 _ . -"), z.string().max(256))
	.refine((labels) => Object.keys(labels).length <= 16, "at most 16 labels");

/** Run options a schedule may carry: a schedule's runs start at its ticks, so no delay of their own. */
export const scheduleRunOptionsSchema = runOptionsSchema.omit({ startAt: true, delaySeconds: true });

const cron = z
	.string()
	.trim()
	.min(1)
	.max(200)
	.describe("Standard 5-field cron: minute hour day-of-month month day-of-week.");
const timezone = z.string().min(1).max(64).describe("IANA time zone the cron expression is read in (default UTC).");

/** Body of `POST /schedules`. */
export const scheduleRequestSchema = z
	.object({
		cron,
		prompt: runRequestSchema.shape.prompt,
		options: scheduleRunOptionsSchema.optional(),
		timezone: timezone.optional(),
		labels: scheduleLabelsSchema.optional(),
	})
	.strict();
export type ScheduleRequest = z.infer<typeof scheduleRequestSchema>;

/** Body of `PATCH /schedules/:id`: what changes; `paused` pauses or resumes it. */
export const schedulePatchSchema = z
	.object({
		cron: cron.optional(),
		prompt: runRequestSchema.shape.prompt.optional(),
		options: scheduleRunOptionsSchema.optional(),
		timezone: timezone.optional(),
		labels: scheduleLabelsSchema.optional(),
		paused: z.boolean().optional(),
	})
	.strict()
	.refine((patch) => Object.keys(patch).length > 0, "the patch changes nothing");
export type SchedulePatch = z.infer<typeof schedulePatchSchema>;

/** A schedule as the API shows it. */
export const scheduleSchema = z.object({
	id: z.string(),
	cron: z.string(),
	timezone: z.string(),
	prompt: z.string(),
	options: scheduleRunOptionsSchema,
	labels: z.record(z.string(), z.string()),
	paused: z.boolean(),
	/** The next tick that will start a run; null while paused. */
	nextAt: z.string().nullable(),
	/** The last tick it started a run for (or tried to). */
	lastTickAt: z.string().nullable(),
	/** Why the last tick started no run (admission closed, MAX_ACTIVE_RUNS, …); null when it did. */
	lastError: z.object({ code: z.string(), message: z.string() }).nullable(),
	createdAt: z.string(),
	updatedAt: z.string(),
	links: z.object({ self: z.string() }),
});
export type Schedule = z.infer<typeof scheduleSchema>;

/** `GET /schedules/:id`: the schedule, its coming ticks and its latest runs. */
export const scheduleDetailSchema = scheduleSchema.extend({
	nextTimes: z.array(z.string()),
	lastRuns: z.array(
		z.object({
			id: z.string(),
			status: z.string(),
			tick: z.string(),
			createdAt: z.string(),
			links: z.object({ self: z.string() }),
		}),
	),
});
export type ScheduleDetail = z.infer<typeof scheduleDetailSchema>;
