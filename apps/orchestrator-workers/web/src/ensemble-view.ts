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
		const agreed = ensemble.samples.filter((s) => s.agreed).length;
		const grouped = ensemble.groupedBy === "model" ? "grouped by the big model" : "identical answers";
		return {
			summary: `Vote: ${agreed} of ${ensemble.samples.length} samples agree (${percent(ensemble.agreement)}, ${grouped})`,
			rows: [{ label: "Samples", answers: ensemble.samples.map((s) => box(`Sample ${s.index}`, s)) }],
		};
	}
	const rounds = ensemble.rounds.length;
	const verdict = ensemble.reached
		? `reached the threshold of ${percent(ensemble.consensusThreshold)}`
		: `stayed under the threshold of ${percent(ensemble.consensusThreshold)}`;
	return {
		summary: `Debate: ${rounds} ${rounds === 1 ? "round" : "rounds"}, agreement ${percent(ensemble.agreement)}, ${verdict}; a judge wrote the output`,
		rows: ensemble.rounds.map((answers, r) => ({
			label: `Round ${r + 1} · agreement ${percent(ensemble.roundAgreement[r] ?? 0)}`,
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
