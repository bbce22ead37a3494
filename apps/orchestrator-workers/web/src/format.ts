/**
 * Pure text helpers of the page: no DOM, so the unit tests run them as they are.
 */
import type { RunState, RunStatus } from "@ow/schemas";
import { ApiError } from "./api-error";

const TERMINAL: readonly string[] = ["complete", "errored", "terminated"] satisfies RunState[];

/** True for a run state that never changes again. */
export const isTerminal = (status: string): boolean => TERMINAL.includes(status);

/** "Tokens: 120 in, 40 out · 1 call unreported · about $0.0012". */
export function usageText(usage: RunStatus["usage"], cost: RunStatus["cost"]): string {
	let text = `Tokens: ${usage.inputTokens ?? "?"} in, ${usage.outputTokens ?? "?"} out`;
	if (usage.unknownCalls > 0)
		text += ` · ${usage.unknownCalls} ${usage.unknownCalls === 1 ? "call" : "calls"} unreported`;
	if (cost && cost.total !== null) text += ` · about $${cost.total.toFixed(4)}`;
	return text;
}

/** A date in the reader's locale; a value that is no date stays as it came. */
export function formatTime(iso: string): string {
	const date = new Date(iso);
	return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

/** A prompt cut to one line of the runs list: at most `max` characters, an ellipsis where it was cut. */
export function shortPrompt(prompt: string, max = 120): string {
	return prompt.length > max ? `${prompt.slice(0, max - 1)}…` : prompt;
}

/** The run id in the address bar's hash (`#run_…`), or null for any other hash. */
export function runIdFromHash(hash: string): string | null {
	return /^#(run_[0-9a-z]+)$/.exec(hash)?.[1] ?? null;
}

/** "1 run", "3 runs". */
export const runsTotalText = (total: number): string => (total === 1 ? "1 run" : `${total} runs`);

/** What an error box says: the message (with the API's code and status) and the request's zod issues. */
export function describeError(error: unknown): { message: string; issues: string[] } {
	const text = typeof error === "string" ? error : error instanceof Error ? error.message : String(error);
	if (!(error instanceof ApiError)) return { message: text, issues: [] };
	const message = error.status ? `${text} (${error.code}, HTTP ${error.status})` : text;
	const details: unknown[] = Array.isArray(error.details) ? error.details : [];
	const issues = details.flatMap((detail) => {
		if (typeof detail !== "object" || detail === null || !("message" in detail)) return [];
		if (typeof detail.message !== "string") return [];
		const path = "path" in detail && detail.path ? `${String(detail.path)}: ` : "";
		return [path + detail.message];
	});
	return { message, issues };
}

/** The budget line's text, or "" for a run without a budget. */
export function budgetText(run: Pick<RunStatus, "id" | "status" | "budget" | "waitingFor">): string {
	const budget = run.budget;
	if (!budget) return "";
	const limits = [
		budget.maxTokens !== null ? `${budget.spentTokens} of ${budget.maxTokens} tokens spent` : null,
		budget.maxCostUsd !== null ? `$${(budget.spentCostUsd ?? 0).toFixed(4)} of $${budget.maxCostUsd}` : null,
	];
	let text = `Budget: ${limits.filter(Boolean).join(", ")}`;
	if (budget.reservedTokens > 0) text += `, ${budget.reservedTokens} reserved by calls in flight`;
	if (run.status === "waiting" && run.waitingFor === "budget")
		text += `. The next model call does not fit: raise the budget with POST /${run.id}/budget, or cancel the run.`;
	return text;
}

/** The plan's estimate as a sentence, or "" before there is one. */
export function estimateText(estimate: RunStatus["estimate"]): string {
	if (!estimate) return "";
	const cost = estimate.costUsd !== null ? ` (about $${estimate.costUsd.toFixed(4)})` : "";
	return `Estimated at most ${estimate.tokens} tokens${cost}`;
}

/** The answer streamed so far after one `synthesis.delta` (adds its text) or `synthesis.reset` (starts over). */
export function nextStreamedText(current: string, event: { type: string; data: Record<string, unknown> }): string {
	if (event.type === "synthesis.reset") return "";
	return typeof event.data.text === "string" ? current + event.data.text : current;
}
