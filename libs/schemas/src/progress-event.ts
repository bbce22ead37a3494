import { z } from "zod";

/** Kinds of entries in a run's append-only event log. */
export const progressEventTypeSchema = z.enum([
	"run.status", // the run's status changed
	"plan.ready", // the plan was validated
	"subtask.started",
	"subtask.progress", // an agentic browser subtask took one more action
	"subtask.retried", // an attempt failed and the Workflow will try again
	"subtask.succeeded",
	"subtask.failed",
	"subtask.skipped", // never started: a dependency failed or the run ended
	"run.usage", // a step attempt that called a model finished (or failed): what it spent
	"budget.exceeded", // a model call did not fit the run's budget: the run stops or waits for a raise
	"budget.raised", // POST /:id/budget raised the budget of a waiting run
	"run.completed", // carries the result
	"run.errored", // carries the error
	// Live only, never in the log: the synthesis's text as it is written ({text}, in order; after the
	// latest reset they add up to the answer), and a reset when it starts over (a retried attempt).
	"synthesis.delta",
	"synthesis.reset",
]);
export type ProgressEventType = z.infer<typeof progressEventTypeSchema>;

/**
 * One entry of the event log; `seq` orders a run's events and serves as the SSE event id. A live-only
 * event (`synthesis.*`) carries the seq of the last logged event before it and has no SSE id.
 */
export const progressEventSchema = z.object({
	seq: z.int().positive(),
	runId: z.string(),
	type: progressEventTypeSchema,
	at: z.string(),
	data: z.record(z.string(), z.unknown()),
});
export type ProgressEvent = z.infer<typeof progressEventSchema>;
