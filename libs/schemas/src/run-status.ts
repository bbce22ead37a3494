import { z } from "zod";
import { executorSchema, modelSizeSchema } from "./subtask-plan";
import { referenceSchema } from "./synthesis";
import { runUsageSchema, usageSchema } from "./usage";
import { errorInfoSchema } from "./api-error";
import { agentStepSchema } from "./browser-agent";
import { ensembleStatusSchema } from "./ensemble";
import { resolvedRunOptionsSchema, runLabelsSchema } from "./run-request";
import { budgetStatusSchema, planEstimateSchema } from "./run-budget";

/**
 * A run's lifecycle status; the same names as Workflows' instance status, plus `scheduled`: a delayed
 * run waiting for its start time (its instance sleeps).
 */
export const runStateSchema = z.enum([
	"scheduled",
	"queued",
	"running",
	"waiting",
	"paused",
	"complete",
	"errored",
	"terminated",
]);
export type RunState = z.infer<typeof runStateSchema>;

/** A subtask's lifecycle status. "skipped": never started because the run ended or a dependency failed. */
export const subtaskStateSchema = z.enum(["pending", "running", "succeeded", "failed", "skipped"]);
export type SubtaskState = z.infer<typeof subtaskStateSchema>;

/** One subtask as `GET /:id` shows it: the plan's fields plus its progress. */
export const subtaskStatusSchema = z.object({
	id: z.string(),
	title: z.string(),
	executor: executorSchema,
	url: z.string().nullable(),
	dependsOn: z.array(z.string()),
	status: subtaskStateSchema,
	attempts: z.int().nonnegative(),
	startedAt: z.string().nullable(),
	finishedAt: z.string().nullable(),
	output: z.string().nullable(),
	truncated: z.boolean(),
	error: errorInfoSchema.nullable(),
	usage: usageSchema.nullable(),
	/** The page a browser subtask read. */
	source: z.object({ url: z.string(), title: z.string() }).nullable(),
	/** Where an agentic browser subtask is: its latest iteration of at most maxIterations. */
	progress: z.object({ iteration: z.int(), maxIterations: z.int() }).nullable(),
	/** The actions an agentic browser subtask took, kept when it fails. */
	actions: z.array(agentStepSchema),
	/** Files the subtask stored (screenshots), with where the API serves them. */
	artifacts: z.array(z.object({ kind: z.literal("screenshot"), key: z.string(), href: z.string() })),
	/** An ensemble subtask's samples (vote) or rounds (debate) and their agreement; null otherwise. */
	ensemble: ensembleStatusSchema.nullable(),
});
export type SubtaskStatus = z.infer<typeof subtaskStatusSchema>;

/** Wall-clock time spent in each phase, once the phase has finished. */
export const timingsSchema = z.object({
	planMs: z.number().nullable(),
	executeMs: z.number().nullable(),
	synthesiseMs: z.number().nullable(),
});
export type Timings = z.infer<typeof timingsSchema>;

/** Timings of a run that has not finished any phase. Frozen: copy it before filling it in. */
export const EMPTY_TIMINGS: Timings = Object.freeze({ planMs: null, executeMs: null, synthesiseMs: null });

/** The body of `GET /:id`. Names may grow, never shrink. */
export const runStatusSchema = z.object({
	id: z.string(),
	status: runStateSchema,
	prompt: z.string(),
	createdAt: z.string(),
	updatedAt: z.string(),
	/** When a delayed run starts (status `scheduled` until then) or started; null for a run started at once. */
	startAt: z.string().nullable(),
	/** The schedule that started the run, and the tick it was started for; null for a run started by a request. */
	schedule: z.object({ id: z.string(), tick: z.string() }).nullable(),
	promptVersion: z.string(),
	/** The Worker version that took the run (Workers version metadata), or "dev" where none is bound. */
	deploymentVersion: z.string(),
	/** The caller's labels (`options.labels`); empty when it gave none. */
	labels: runLabelsSchema,
	models: z.object({ provider: z.string(), big: z.string(), small: z.string() }),
	options: resolvedRunOptionsSchema,
	plan: z
		.object({
			subtasks: z.array(
				z.object({
					id: z.string(),
					title: z.string(),
					executor: executorSchema,
					url: z.string().nullable(),
					dependsOn: z.array(z.string()),
					/** The model the subtask's calls use: the plan's choice, "small" unless it said "big". */
					model: modelSizeSchema,
				}),
			),
		})
		.nullable(),
	subtasks: z.array(subtaskStatusSchema),
	result: z.object({ answer: z.string(), references: z.array(referenceSchema) }).nullable(),
	error: errorInfoSchema.nullable(),
	usage: runUsageSchema,
	/** Estimated cost from the deployment's price table (`MODEL_PRICES`); null without one, or where usage is unknown. */
	cost: z
		.object({
			currency: z.literal("USD"),
			total: z.number().nullable(),
			byModel: z.record(z.string(), z.number().nullable()),
		})
		.nullable(),
	/** Set when the run has a budget; live while it runs. */
	budget: budgetStatusSchema.nullable(),
	/** Once planned: the most the plan may spend (each remaining call's reservation plus what was spent). */
	estimate: planEstimateSchema.nullable(),
	/** What a `waiting` run waits for: its plan's approval or a larger budget. */
	waitingFor: z.enum(["plan", "budget"]).nullable(),
	timings: timingsSchema,
	links: z.object({ self: z.string(), events: z.string() }),
});
export type RunStatus = z.infer<typeof runStatusSchema>;
