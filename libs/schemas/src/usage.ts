import { z } from "zod";

/**
 * Token usage. `null` means the provider did not report it: unknown is not zero.
 */
export const tokenCountsSchema = z.object({
	inputTokens: z.int().nonnegative().nullable(),
	outputTokens: z.int().nonnegative().nullable(),
});
export type TokenCounts = z.infer<typeof tokenCountsSchema>;

/** Usage of one or more model calls, in total and per model id. */
export const usageSchema = tokenCountsSchema.extend({
	calls: z.int().nonnegative(),
	byModel: z.record(z.string(), tokenCountsSchema.extend({ calls: z.int().nonnegative() })),
});
export type Usage = z.infer<typeof usageSchema>;

/** Usage of no call at all. */
export const EMPTY_USAGE: Usage = Object.freeze({
	inputTokens: 0,
	outputTokens: 0,
	calls: 0,
	byModel: Object.freeze({}),
});

const addCounts = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : a + b);

/** Sums usages; an unknown count anywhere makes the sum unknown. */
export function addUsage(a: Usage, b: Usage): Usage {
	const byModel: Usage["byModel"] = { ...a.byModel };
	for (const [model, counts] of Object.entries(b.byModel)) {
		const prev = byModel[model] ?? { inputTokens: 0, outputTokens: 0, calls: 0 };
		byModel[model] = {
			inputTokens: addCounts(prev.inputTokens, counts.inputTokens),
			outputTokens: addCounts(prev.outputTokens, counts.outputTokens),
			calls: prev.calls + counts.calls,
		};
	}
	return {
		inputTokens: addCounts(a.inputTokens, b.inputTokens),
		outputTokens: addCounts(a.outputTokens, b.outputTokens),
		calls: a.calls + b.calls,
		byModel,
	};
}

/**
 * What one attempt of one step spent: the usage of its model calls that the provider reported, and
 * how many calls it made whose usage nobody knows (a 500, a timeout: the provider may have billed them).
 */
export const attemptUsageSchema = z.object({
	step: z.string(),
	attempt: z.int().positive(),
	/** "failed": the attempt threw and its step retried or gave up; its tokens still count. */
	outcome: z.enum(["succeeded", "failed"]),
	usage: usageSchema,
	unknownCalls: z.int().nonnegative(),
});
export type AttemptUsage = z.infer<typeof attemptUsageSchema>;

/** A step's usage over all its attempts, and each attempt's own. */
export const stepUsageSchema = usageSchema.extend({
	unknownCalls: z.int().nonnegative(),
	attempts: z.array(
		tokenCountsSchema.extend({
			attempt: z.int().positive(),
			outcome: attemptUsageSchema.shape.outcome,
			calls: z.int().nonnegative(),
			unknownCalls: z.int().nonnegative(),
		}),
	),
});
export type StepUsage = z.infer<typeof stepUsageSchema>;

/**
 * A run's usage, live: the total and by model over every attempt of every step (failed ones too), the
 * calls whose usage is unknown, and each model-calling step's own (plan, subtask:<id> …).
 */
export const runUsageSchema = usageSchema.extend({
	/** Calls that failed without the provider reporting usage: the tokens above leave them out. */
	unknownCalls: z.int().nonnegative(),
	byStep: z.record(z.string(), stepUsageSchema).optional(),
});
export type RunUsage = z.infer<typeof runUsageSchema>;

/** The usage of a run that has spent nothing yet. */
export const EMPTY_RUN_USAGE: RunUsage = Object.freeze({ ...EMPTY_USAGE, unknownCalls: 0, byStep: Object.freeze({}) });

/** Adds up the attempts a run's steps recorded, in the order given, into the run's usage. */
export function summariseAttempts(attempts: readonly AttemptUsage[]): RunUsage {
	let total: Usage = EMPTY_USAGE;
	let unknownCalls = 0;
	const byStep: Record<string, StepUsage> = {};
	for (const a of attempts) {
		total = addUsage(total, a.usage);
		unknownCalls += a.unknownCalls;
		const prev = byStep[a.step] ?? { ...EMPTY_USAGE, unknownCalls: 0, attempts: [] };
		byStep[a.step] = {
			...addUsage(prev, a.usage),
			unknownCalls: prev.unknownCalls + a.unknownCalls,
			attempts: [
				...prev.attempts,
				{
					attempt: a.attempt,
					outcome: a.outcome,
					inputTokens: a.usage.inputTokens,
					outputTokens: a.usage.outputTokens,
					calls: a.usage.calls,
					unknownCalls: a.unknownCalls,
				},
			],
		};
	}
	return { ...total, unknownCalls, byStep };
}
