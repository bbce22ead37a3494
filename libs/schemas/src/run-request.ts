import { z } from "zod";
import { ensembleOptionsSchema } from "./ensemble";
import { onBudgetExceededSchema, resolvedRunBudgetSchema, runBudgetSchema } from "./run-budget";

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
 * Control characters (C0, DEL and C1) other than tab, line feed and carriage return. A prompt is text
 * for a model and a person: NUL, escape sequences and the like carry no meaning there, and they would
 * travel on into logs, terminals and the web page.
 */
const CONTROL_CHARACTER = /[^\P{Cc}\t\n\r]/u;

/** Most labels one run may carry. */
export const MAX_LABELS = 16;
/** Label keys: short, lower-case, and free of `:` and `=`, so `key:value` and `key=value` split unambiguously. */
export const LABEL_KEY = /^[a-z0-9_.-]{1,63}$/;
/** Longest label value, in characters. */
export const MAX_LABEL_VALUE = 256;

/**
 * The caller's own `key: value` metadata on a run (team, environment, ticket …): kept with the run,
 * shown in its status and filterable in `GET /runs?label=key:value`. An error names the bad key.
 */
export const runLabelsSchema = z.record(z.string(), z.string()).superRefine((labels, ctx) => {
	const keys = Object.keys(labels);
	if (keys.length > MAX_LABELS)
		ctx.addIssue({ code: "custom", message: `at most ${MAX_LABELS} labels; got ${keys.length}` });
	for (const key of keys) {
		if (!LABEL_KEY.test(key))
			ctx.addIssue({
				code: "custom",
				path: [key],
				message: `label key "${key.slice(0, 80)}" must be 1 to 63 characters of a-z, 0-9, "_", "." or "-"`,
			});
		else if (labels[key]!.length > MAX_LABEL_VALUE)
			ctx.addIssue({
				code: "custom",
				path: [key],
				message: `label "${key}" has a value of ${labels[key]!.length} characters; at most ${MAX_LABEL_VALUE}`,
			});
		else if (CONTROL_CHARACTER.test(labels[key]!))
			ctx.addIssue({ code: "custom", path: [key], message: `label "${key}" must not contain control characters` });
	}
});
export type RunLabels = z.infer<typeof runLabelsSchema>;

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
		/** The caller's own metadata; see runLabelsSchema. */
		labels: runLabelsSchema.optional(),
		/** The most the run's model calls may spend; the deployment may set a default and a ceiling. */
		budget: runBudgetSchema.optional(),
		/** What happens when the next model call would not fit the budget (default "stop"). */
		onBudgetExceeded: onBudgetExceededSchema.optional(),
		/**
		 * Start the run later, at this time (ISO 8601 with an offset). The deployment bounds how far ahead
		 * (`MAX_START_DELAY_DAYS`); a time already past starts the run at once. Not with `delaySeconds`.
		 */
		startAt: z.iso.datetime({ offset: true }).optional(),
		/** Start the run this many seconds from now. Not with `startAt`. */
		delaySeconds: z.int().min(0).max(MAX_DELAY_SECONDS_CEILING).optional(),
		/** Answer each "llm" subtask several times and combine the answers (vote or debate); see ensemble.ts. */
		ensemble: ensembleOptionsSchema.optional(),
	})
	.strict();
export type RunOptions = z.infer<typeof runOptionsSchema>;

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
	/** Absent on runs recorded before budgets existed. */
	budget: resolvedRunBudgetSchema.optional(),
	onBudgetExceeded: onBudgetExceededSchema.optional(),
	/** When a delayed run starts (UTC, ISO 8601); absent for a run that started at once. */
	startAt: z.string().optional(),
	/** The run's ensemble for "llm" subtasks; a subtask's own (from the planner) overrides it. */
	ensemble: ensembleOptionsSchema.optional(),
});
export type ResolvedRunOptions = z.infer<typeof resolvedRunOptionsSchema>;
