/**
 * Response bodies that have no schema in @ow/schemas because no route validates them: the answers of
 * `POST /`, `POST /batch`, `GET /runs`, `GET /health`, restart and approval. They exist to be
 * documented; test/openapi.test.ts parses real answers with them so they cannot drift.
 */
import { errorInfoSchema, runLabelsSchema, runStateSchema, runStatusSchema, scheduleSchema } from "@ow/schemas";
import { z } from "zod";

/** Where a run is read and followed. */
export const runLinksSchema = z.object({ self: z.string(), events: z.string() });

/** `POST /` (202, or 200 for a retry with the same Idempotency-Key) and each run of `POST /batch`. */
export const runAcceptedSchema = z.object({ id: z.string(), status: runStateSchema, links: runLinksSchema });
export type RunAccepted = z.infer<typeof runAcceptedSchema>;

/** `POST /batch` (202). */
export const batchAcceptedSchema = z.object({ runs: z.array(runAcceptedSchema) });

/** `GET /runs`: a page of runs, newest first, the total matching the filter, and the next page's cursor. */
export const runListSchema = z.object({
	runs: z.array(
		z.object({
			id: z.string(),
			status: runStateSchema,
			/** The prompt's first 200 characters. */
			prompt: z.string(),
			createdAt: z.string(),
			updatedAt: z.string(),
			/** The run's labels (`options.labels`). */
			labels: runLabelsSchema,
			error: errorInfoSchema.nullable(),
			links: runLinksSchema,
		}),
	),
	total: z.int().nonnegative(),
	nextCursor: z.string().nullable(),
});
export type RunList = z.infer<typeof runListSchema>;

/** `GET /health`. */
export const healthSchema = z.object({ status: z.literal("ok") });

/** `POST /:id/restart`: the run's status and the step it was restarted from. */
export const restartedRunSchema = runStatusSchema.extend({ restartedFrom: z.string() });

/** `POST /:id/approve` (202): the run's status and the decision sent to its Workflow. */
export const approvalAnswerSchema = runStatusSchema.extend({ approval: z.enum(["approved", "rejected"]) });

/** `DELETE /:id?purge=true`: the finished run is gone, with its events, subtasks, artifacts and instance. */
export const purgedRunSchema = z.object({ id: z.string(), purged: z.literal(true) });

/** `GET /:id/instance`: the registry's status beside the Workflow instance's, null when the engine has none. */
export const runInstanceSchema = z.object({
	id: z.string(),
	registry: runStateSchema,
	instance: z
		.object({
			status: z.enum([
				"queued",
				"running",
				"paused",
				"errored",
				"terminated",
				"complete",
				"waiting",
				"waitingForPause",
				"rollingBack",
				"unknown",
			]),
			error: z.object({ name: z.string(), message: z.string() }).nullable(),
		})
		.nullable(),
});

/** `GET /schedules`: a page of schedules, newest first, and the next page's cursor. */
export const scheduleListSchema = z.object({ schedules: z.array(scheduleSchema), nextCursor: z.string().nullable() });

/** `DELETE /schedules/:id`: the schedule is gone; the runs it started stay. */
export const deletedScheduleSchema = z.object({ id: z.string(), deleted: z.literal(true) });

/** `POST /schedules/sweep` (test clock only): the ticks the sweep fired. */
export const scheduleSweepReportSchema = z.object({
	fired: z.array(
		z.object({
			scheduleId: z.string(),
			tick: z.string(),
			runId: z.string().nullable(),
			error: errorInfoSchema.nullable(),
		}),
	),
});
