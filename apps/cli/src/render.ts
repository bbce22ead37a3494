/**
 * What `ow` prints about a run, as plain functions of its status: the live view (a header and a line
 * per subtask), the plain progress lines used when output is not a terminal, and the final report.
 */
import type { RunStatus, SubtaskStatus } from "@ow/client";
import pc from "picocolors";

const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/** A subtask's mark; `frame` is the spinner's, or null in plain output (no animation there). */
const SUBTASK_MARK: Record<SubtaskStatus["status"], (frame: number | null) => string> = {
	pending: () => pc.dim("·"),
	running: (frame) => pc.cyan(frame === null ? "»" : SPINNER[frame % SPINNER.length]!),
	succeeded: () => pc.green("✓"),
	failed: () => pc.red("✗"),
	skipped: () => pc.yellow("-"),
};

/** Seconds with one decimal, e.g. `4.2s`. */
export function formatSeconds(ms: number): string {
	return `${(Math.max(0, ms) / 1000).toFixed(1)}s`;
}

/** How long a subtask ran (or has been running, at `now`). */
export function subtaskElapsedMs(subtask: SubtaskStatus, now: number): number | null {
	if (!subtask.startedAt) return null;
	const end = subtask.finishedAt ? Date.parse(subtask.finishedAt) : now;
	return end - Date.parse(subtask.startedAt);
}

/** One subtask's state in one line: mark, id, executor, state, attempts, elapsed, title. */
export function subtaskLine(subtask: SubtaskStatus, now: number, frame: number | null = 0): string {
	const elapsed = subtaskElapsedMs(subtask, now);
	const attempts = subtask.attempts > 0 ? `attempt ${subtask.attempts}` : "";
	const progress = subtask.progress
		? `step ${subtask.progress.iteration}/${subtask.progress.maxIterations}`
		: ensembleText(subtask.ensemble);
	const cells = [
		SUBTASK_MARK[subtask.status](frame),
		subtask.id.padEnd(12),
		subtask.executor.padEnd(7),
		subtask.status.padEnd(9),
		attempts.padEnd(9),
		(elapsed === null ? "" : formatSeconds(elapsed)).padStart(6),
		progress,
		pc.dim(subtask.title),
	];
	const line = cells.filter((c, i) => i < 6 || c !== "").join("  ");
	return subtask.error ? `${line}\n    ${pc.red(`${subtask.error.code}: ${subtask.error.message}`)}` : line;
}

/**
 * An ensemble subtask's agreement: how many samples agreed for a vote, the rounds a debate took and
 * whether it reached its threshold; empty for a subtask answered once.
 */
export function ensembleText(ensemble: SubtaskStatus["ensemble"]): string {
	if (!ensemble) return "";
	if (ensemble.agreement === null) {
		// Still answering: what has come in so far.
		return ensemble.mode === "vote" ? `vote ${ensemble.samples.length} in` : `debate round ${ensemble.rounds.length}`;
	}
	const agreement = `agreement ${ensemble.agreement.toFixed(2)}`;
	if (ensemble.mode === "vote") {
		const agreed = ensemble.samples.filter((s) => s.agreed).length;
		return `vote ${agreed}/${ensemble.samples.length} ${agreement}`;
	}
	const rounds = `${ensemble.rounds.length} round${ensemble.rounds.length === 1 ? "" : "s"}`;
	const verdict = ensemble.reached ? "reached" : `under ${ensemble.consensusThreshold ?? 1}`;
	return `debate ${rounds} ${agreement} (${verdict})`;
}

/** The live view of a run: a header, then one line per subtask of its plan. */
export function liveView(run: RunStatus, now: number, frame = 0): string {
	const done = run.subtasks.filter((s) => s.status !== "pending" && s.status !== "running").length;
	const elapsed = formatSeconds(now - Date.parse(run.createdAt));
	const head = [
		pc.bold(run.id),
		stateColour(run.status),
		run.plan ? `${done}/${run.subtasks.length} subtasks` : "planning",
		elapsed,
	];
	return [head.join("  "), ...run.subtasks.map((s) => `  ${subtaskLine(s, now, frame)}`)].join("\n");
}

/** The final report: the answer, its references, usage and cost, or the error. */
export function finalReport(run: RunStatus): string {
	const lines: string[] = [];
	if (run.result) {
		lines.push("", pc.bold("Answer"), run.result.answer);
		if (run.result.references.length > 0) {
			lines.push("", pc.bold("References"));
			for (const ref of run.result.references) {
				lines.push(`  ${[ref.subtaskId ? `[${ref.subtaskId}]` : null, ref.url].filter(Boolean).join(" ")}`);
			}
		}
	}
	if (run.error) lines.push("", pc.red(`${run.status}: ${run.error.code}: ${run.error.message}`));
	else if (run.status !== "complete") lines.push("", `${run.status}`);
	lines.push("", usageLine(run));
	return lines.join("\n");
}

/** Tokens, calls and cost in one line; an unknown count shows as `?`. */
export function usageLine(run: RunStatus): string {
	const { inputTokens, outputTokens, calls } = run.usage;
	const tokens = `${inputTokens ?? "?"} in / ${outputTokens ?? "?"} out tokens, ${calls} model calls`;
	const cost = run.cost?.total;
	const limit = run.budget?.maxTokens;
	const budget = limit === null || limit === undefined ? "" : ` (budget ${run.budget?.spentTokens} of ${limit} tokens)`;
	return `Usage: ${tokens}${cost === null || cost === undefined ? "" : `, about $${cost.toFixed(4)}`}${budget}`;
}

/** Labels as `key=value` pairs (the form `ow run --label` takes), in key order. */
export function labelsText(labels: Record<string, string>): string {
	return Object.entries(labels)
		.toSorted(([a], [b]) => a.localeCompare(b))
		.map(([k, v]) => `${k}=${v}`)
		.join(" ");
}

/** What ran the run and what the caller tagged it with: labels, deployment, prompt version, models. */
export function provenanceLines(run: RunStatus): string[] {
	const { provider, big, small } = run.models;
	return [
		...(Object.keys(run.labels).length > 0 ? [`labels: ${labelsText(run.labels)}`] : []),
		pc.dim(`deployment ${run.deploymentVersion} · prompts ${run.promptVersion} · ${provider} ${big} / ${small}`),
	];
}

/** The plan, for approval: one line per subtask with its executor, URL and dependencies. */
export function planLines(run: RunStatus): string[] {
	return (run.plan?.subtasks ?? []).map((s) => {
		const after = s.dependsOn.length > 0 ? pc.dim(` (after ${s.dependsOn.join(", ")})`) : "";
		return `  ${s.id}  ${s.executor}${s.url ? ` ${s.url}` : ""}  ${s.title}${after}`;
	});
}

function stateColour(state: RunStatus["status"]): string {
	if (state === "complete") return pc.green(state);
	if (state === "errored" || state === "terminated") return pc.red(state);
	if (state === "waiting" || state === "paused") return pc.yellow(state);
	return pc.cyan(state);
}
