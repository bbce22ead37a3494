import { z } from "zod";

/** Hard ceiling on subtasks per plan; deployments lower it with `MAX_SUBTASKS`. */
export const SUBTASKS_CEILING = 64;

/** Hard ceiling on `options.delaySeconds` (a year); deployments lower it with `MAX_START_DELAY_DAYS`. */
export const MAX_DELAY_SECONDS_CEILING = 366 * 86_400;

/** What to do when a subtask still fails after its retries. */
export const failurePolicySchema = z
	.enum(["bestEffort", "failFast"])
	.describe("bestEffort: report failed subtasks and synthesise the rest; failFast: end the run.");
export type FailurePolicy = z.infer<typeof failurePolicySchema>;

/**
 * Options a caller may set per run. Bounds are checked, never silently clamped: a value out of range
 * is a 400. The deployment's own `MAX_SUBTASKS` is checked by the route on top of this ceiling.
 */
export const runOptionsSchema = z
	.object({
		maxSubtasks: z.int().min(1).max(SUBTASKS_CEILING).optional(),
		failurePolicy: failurePolicySchema.optional(),
		allowBrowser: z.boolean().optional(),
		/** Browser subtasks keep a screenshot of their page, served at `GET /:id/artifacts/:key`. */
		screenshots: z.boolean().optional(),
		/** Wait after planning until the plan is approved (`POST /:id/approve`). */
		approvePlan: z.boolean().optional(),
		/** How long to wait for the approval before the run fails; the deployment sets the default. */
		approvalTimeoutMinutes: z
			.int()
			.min(1)
			.max(7 * 24 * 60)
			.optional(),
		/**
		 * Start the run later, at this time (ISO 8601 with an offset). The deployment bounds how far ahead
		 * (`MAX_START_DELAY_DAYS`); a time already past starts the run at once. Not with `delaySeconds`.
		 */
		startAt: z.iso.datetime({ offset: true }).optional(),
		/** Start the run this many seconds from now. Not with `startAt`. */
		delaySeconds: z.int().min(0).max(MAX_DELAY_SECONDS_CEILING).optional(),
	})
	.strict();
export type RunOptions = z.infer<typeof runOptionsSchema>;

/**
 * Control characters (C0, DEL and C1) other than tab, line feed and carriage return. A prompt is text
 * for a model and a person: NUL, escape sequences and the like carry no meaning there, and they would
 * travel on into logs, terminals and the web page.
 */
const CONTROL_CHARACTER = /[^\P{Cc}\t\n\r]/u;

/** Body of `POST /`. The prompt's length limit (`MAX_PROMPT_CHARS`) is a 413, so the route checks it. */
export const runRequestSchema = z
	.object({
		prompt: z
			.string()
			.trim()
			.min(1, "prompt must not be empty")
			.refine((prompt) => !CONTROL_CHARACTER.test(prompt), "prompt must not contain control characters"),
		options: runOptionsSchema.optional(),
	})
	.strict();
export type RunRequest = z.infer<typeof runRequestSchema>;

/** Options after defaults and deployment limits are applied; what the Workflow receives. */
export const resolvedRunOptionsSchema = z.object({
	maxSubtasks: z.int().min(1).max(SUBTASKS_CEILING),
	failurePolicy: failurePolicySchema,
	allowBrowser: z.boolean(),
	screenshots: z.boolean(),
	approvePlan: z.boolean(),
	approvalTimeoutMinutes: z.int().min(1),
	/** When a delayed run starts (UTC, ISO 8601); absent for a run that started at once. */
	startAt: z.string().optional(),
	/** The caller's labels (a schedule's labels ride here until runs have labels of their own). */
	labels: z.record(z.string(), z.string()).optional(),
});
export type ResolvedRunOptions = z.infer<typeof resolvedRunOptionsSchema>;
