import { z } from "zod";

/** Bounds of the ensemble options; checked, never clamped (a value out of range is a 400). */
export const ENSEMBLE_LIMITS = {
	samples: { min: 2, max: 7 },
	agents: { min: 2, max: 4 },
	maxRounds: { min: 1, max: 4 },
} as const;

const samples = z.int().min(ENSEMBLE_LIMITS.samples.min).max(ENSEMBLE_LIMITS.samples.max);
const agents = z.int().min(ENSEMBLE_LIMITS.agents.min).max(ENSEMBLE_LIMITS.agents.max);
const maxRounds = z.int().min(ENSEMBLE_LIMITS.maxRounds.min).max(ENSEMBLE_LIMITS.maxRounds.max);
const consensusThreshold = z.number().min(0).max(1);
const stance = z.string().min(1).max(300);

/**
 * `options.ensemble` of a run: each "llm" subtask is answered several times and the answers combined.
 * - vote: `samples` independent answers (varied sampling), grouped by agreement; the largest group wins.
 * - debate: `agents` with distinct stances answer, then revise after seeing each other's answers, round
 *   by round until their agreement reaches `consensusThreshold` or `maxRounds` ran; a judge writes the output.
 */
export const ensembleOptionsSchema = z.discriminatedUnion(
	"mode",
	[
		z.object({ mode: z.literal("vote"), samples }).strict(),
		z
			.object({
				mode: z.literal("debate"),
				agents,
				maxRounds,
				consensusThreshold,
				/** One stance per agent; defaulted when absent (or for the agents it does not reach). */
				stances: z.array(stance).min(1).max(ENSEMBLE_LIMITS.agents.max).optional(),
			})
			.strict()
			.refine((d) => !d.stances || d.stances.length <= d.agents, {
				path: ["stances"],
				message: "at most one stance per agent",
			}),
	],
	{ error: 'ensemble.mode must be "vote" or "debate"' },
);
export type EnsembleOptions = z.infer<typeof ensembleOptionsSchema>;

/**
 * The planner's form of an ensemble, per subtask: every field required (strict structured output), so
 * the fields of the other mode are null.
 */
export const plannedEnsembleSchema = z
	.object({
		mode: z.enum(["vote", "debate"]),
		samples: samples.nullable().describe("vote: how many independent answers (2-7). Otherwise null."),
		agents: agents.nullable().describe("debate: how many agents (2-4). Otherwise null."),
		maxRounds: maxRounds.nullable().describe("debate: most rounds (1-4). Otherwise null."),
		consensusThreshold: consensusThreshold
			.nullable()
			.describe("debate: share of agents that must agree to stop early (0-1). Otherwise null."),
		stances: z
			.array(stance)
			.nullable()
			.describe("debate: one distinct stance per agent (e.g. 'a sceptic who checks every claim'). Null for defaults."),
	})
	.describe("Answer this subtask several times and combine the answers; null for one answer (most subtasks).");
export type PlannedEnsemble = z.infer<typeof plannedEnsembleSchema>;

/** One answer of an ensemble: a vote's sample or a debater's answer in a round. */
export const ensembleAnswerSchema = z.object({
	/** 1-based: the sample's or the agent's number. */
	index: z.int().min(1),
	/** The debater's stance; null for a vote's sample. */
	stance: z.string().nullable(),
	/** The answer; null when its step failed for good. */
	text: z.string().nullable(),
	error: z.object({ code: z.string(), message: z.string() }).nullable(),
	/** True for the answers in the agreed (largest) group. */
	agreed: z.boolean(),
});
export type EnsembleAnswer = z.infer<typeof ensembleAnswerSchema>;

/**
 * A subtask's ensemble as `GET /:id` shows it. While it runs, each answer appears as its step ends
 * (`agreement`, `groupedBy` and `reached` null until the answers are combined); the whole is recorded
 * with the subtask's outcome.
 */
export const ensembleStatusSchema = z.discriminatedUnion("mode", [
	z.object({
		mode: z.literal("vote"),
		/** Largest group of agreeing samples / samples asked for, rounded to 2 decimals. */
		agreement: z.number().min(0).max(1).nullable(),
		/** How the groups were found: identical normalised texts, or the big model grouping them. */
		groupedBy: z.enum(["text", "model"]).nullable(),
		samples: z.array(ensembleAnswerSchema),
	}),
	z.object({
		mode: z.literal("debate"),
		/** Agreement after the last round that ran. */
		agreement: z.number().min(0).max(1).nullable(),
		consensusThreshold: z.number().nullable(),
		/** Whether the agents reached the threshold (else they ran out of rounds). */
		reached: z.boolean().nullable(),
		/** Every round's answers, first round first; `agreement` per round alongside. */
		rounds: z.array(z.array(ensembleAnswerSchema)),
		roundAgreement: z.array(z.number()),
	}),
]);
export type EnsembleStatus = z.infer<typeof ensembleStatusSchema>;

/** The planner's ensemble as run options, or null when it is not usable (a field its mode needs is null). */
export function ensembleFromPlan(planned: PlannedEnsemble | null | undefined): EnsembleOptions | null {
	if (!planned) return null;
	if (planned.mode === "vote") return planned.samples === null ? null : { mode: "vote", samples: planned.samples };
	if (planned.agents === null) return null;
	return {
		mode: "debate",
		agents: planned.agents,
		maxRounds: planned.maxRounds ?? 2,
		consensusThreshold: planned.consensusThreshold ?? 1,
		...(planned.stances ? { stances: planned.stances } : {}),
	};
}

/**
 * The ensemble a subtask runs with: its own from the plan, else the run's (`options.ensemble`). Only
 * "llm" subtasks: a browser subtask's cost is its page or session, which an ensemble would repeat.
 */
export function ensembleOf(
	options: { ensemble?: EnsembleOptions },
	task: { executor: string; ensemble?: PlannedEnsemble | null },
): EnsembleOptions | null {
	if (task.executor !== "llm") return null;
	return ensembleFromPlan(task.ensemble) ?? options.ensemble ?? null;
}
