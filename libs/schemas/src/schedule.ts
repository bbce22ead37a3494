/**
 * Schedules: a prompt started as a run at each tick of a cron expression (`POST /schedules`).
 */
import { z } from "zod";
import { runLabelsSchema, runOptionsSchema, runRequestSchema } from "./run-request";

/**
 * Run options a schedule may carry: a schedule's runs start at its ticks, so no delay of their own, and
 * take the schedule's own `labels`.
 */
export const scheduleRunOptionsSchema = runOptionsSchema.omit({ startAt: true, delaySeconds: true, labels: true });

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
		labels: runLabelsSchema.optional(),
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
		labels: runLabelsSchema.optional(),
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
