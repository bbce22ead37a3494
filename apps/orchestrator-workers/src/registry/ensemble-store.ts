/**
 * An ensemble subtask's samples or rounds, kept in its row's `ensemble` column (JSON). While the
 * subtask runs, each answer is appended as its step ends, in the batch that records the step's usage
 * (no round trip of its own); the whole ensemble, with the agreement, replaces that list in the batch
 * that records the subtask's outcome.
 */
import { ensembleStatusSchema, type EnsembleAnswer, type EnsembleStatus } from "@ow/schemas";
import { z } from "zod";

/** The statement that keeps a subtask's ensemble; joins the batch that records its outcome. */
export function ensembleStatement(
	db: D1Database,
	runId: string,
	subtaskId: string,
	ensemble: EnsembleStatus,
): D1PreparedStatement {
	return db
		.prepare("UPDATE subtasks SET ensemble = ? WHERE run_id = ? AND id = ?")
		.bind(JSON.stringify(ensemble), runId, subtaskId);
}

/** One answer of a running ensemble, as its step records it. */
export interface LiveAnswer {
	mode: EnsembleStatus["mode"];
	/** 1 for every sample of a vote. */
	round: number;
	index: number;
	stance: string | null;
	text: string;
}

/**
 * Appends an answer to a running subtask's list; a subtask already finished keeps its ensemble (a
 * redone record step must not turn it back into a list).
 */
export function liveAnswerStatement(
	db: D1Database,
	runId: string,
	subtaskId: string,
	answer: LiveAnswer,
): D1PreparedStatement {
	const { mode, ...entry } = answer;
	return db
		.prepare(
			`UPDATE subtasks SET ensemble = json_insert(
				CASE WHEN json_extract(ensemble, '$.live') = 1 THEN ensemble
				     ELSE json_object('live', 1, 'mode', ?, 'answers', json('[]')) END,
				'$.answers[#]', json(?))
			 WHERE run_id = ? AND id = ? AND status = 'running'`,
		)
		.bind(mode, JSON.stringify(entry), runId, subtaskId);
}

const liveSchema = z.object({
	live: z.literal(1),
	mode: z.enum(["vote", "debate"]),
	answers: z.array(
		z.object({ round: z.int().min(1), index: z.int().min(1), stance: z.string().nullable(), text: z.string() }),
	),
});

/** A row's ensemble as the status shows it; null for a subtask without one (or an unreadable value). */
export function ensembleOfRow(value: string | null | undefined): EnsembleStatus | null {
	if (!value) return null;
	const json: unknown = JSON.parse(value);
	const live = liveSchema.safeParse(json);
	if (live.success) return fromLive(live.data);
	const parsed = ensembleStatusSchema.safeParse(json);
	return parsed.success ? parsed.data : null;
}

/**
 * The answers so far, by round and index. A subtask redone after a restart appends its answers
 * again: the latest of each (round, index) is kept.
 */
function fromLive(live: z.infer<typeof liveSchema>): EnsembleStatus {
	const latest = new Map<string, (typeof live.answers)[number]>();
	for (const a of live.answers) latest.set(`${a.round}:${a.index}`, a);
	const rounds: EnsembleAnswer[][] = [];
	for (const a of [...latest.values()].toSorted((x, y) => x.round - y.round || x.index - y.index)) {
		(rounds[a.round - 1] ??= []).push({ index: a.index, stance: a.stance, text: a.text, error: null, agreed: false });
	}
	const dense = rounds.filter((r) => r !== undefined);
	if (live.mode === "vote") return { mode: "vote", agreement: null, groupedBy: null, samples: dense[0] ?? [] };
	return {
		mode: "debate",
		agreement: null,
		consensusThreshold: null,
		reached: null,
		rounds: dense,
		roundAgreement: [],
	};
}
