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

/** A run's usage: the total and by model, plus each model-calling step's own (plan, subtask:<id> …). */
export const runUsageSchema = usageSchema.extend({
	byStep: z.record(z.string(), usageSchema).optional(),
});
export type RunUsage = z.infer<typeof runUsageSchema>;
