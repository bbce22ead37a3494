/**
 * An ensemble subtask as the page shows it: pure (no DOM), so the unit tests run it. A vote is one
 * row of samples side by side; a debate is a row per round, each with its agreement.
 */
import type { SubtaskStatus } from "@ow/schemas";

/** One answer's box: its heading (sample or agent, with the stance), text, and whether it agreed. */
export interface AnswerBox {
	heading: string;
	text: string;
	agreed: boolean;
	failed: boolean;
}

/** The ensemble's summary line and its rows of answers (one for a vote, one per debate round). */
export interface EnsembleView {
	summary: string;
	rows: { label: string; answers: AnswerBox[] }[];
}

const percent = (share: number) => `${Math.round(share * 100)}%`;

export function ensembleView(ensemble: SubtaskStatus["ensemble"] | undefined): EnsembleView | null {
	if (!ensemble) return null;
	if (ensemble.mode === "vote") {
		const answered = ensemble.samples.length;
		const agreed = ensemble.samples.filter((s) => s.agreed).length;
		const grouped = ensemble.groupedBy === "model" ? "grouped by the big model" : "identical answers";
		return {
			summary:
				ensemble.agreement === null
					? `Vote: ${answered} ${answered === 1 ? "sample" : "samples"} in so far`
					: `Vote: ${agreed} of ${answered} samples agree (${percent(ensemble.agreement)}, ${grouped})`,
			rows: [{ label: "Samples", answers: ensemble.samples.map((s) => box(`Sample ${s.index}`, s)) }],
		};
	}
	const rounds = ensemble.rounds.length;
	const threshold = percent(ensemble.consensusThreshold ?? 1);
	const verdict = ensemble.reached
		? `reached the threshold of ${threshold}`
		: `stayed under the threshold of ${threshold}`;
	return {
		summary:
			ensemble.agreement === null
				? `Debate: round ${rounds} under way`
				: `Debate: ${rounds} ${rounds === 1 ? "round" : "rounds"}, agreement ${percent(ensemble.agreement)}, ${verdict}; a judge wrote the output`,
		rows: ensemble.rounds.map((answers, r) => ({
			label:
				ensemble.roundAgreement[r] === undefined
					? `Round ${r + 1}`
					: `Round ${r + 1} · agreement ${percent(ensemble.roundAgreement[r])}`,
			answers: answers.map((a) => box(`Agent ${a.index}${a.stance ? ` (${a.stance})` : ""}`, a)),
		})),
	};
}

function box(
	heading: string,
	answer: { text: string | null; error: { message: string } | null; agreed: boolean },
): AnswerBox {
	return {
		heading: answer.agreed ? `${heading} · agrees` : heading,
		text: answer.text ?? `Failed: ${answer.error?.message ?? "no answer"}`,
		agreed: answer.agreed,
		failed: answer.text === null,
	};
}
