/**
 * The rules of an agentic browse's loop, as a pure state machine over its steps, so the durable loop
 * (the orchestrator's Workflow, which rebuilds the state from cached step results on every replay)
 * and the harness's test driver apply the same ones.
 *
 * - `AgentLoopState`: where the loop is (iterations used, steps, the error to report, answers).
 * - `startAgentLoop`, `agentObservationOf`: the state before the first decision; what the model sees.
 * - `afterAgentStep`: the next state after one decision (and its action, if it was usable), or the end.
 *
 * An unusable decision (no action) or a refused action is reported back to the model once, in the
 * next observation's `lastError`; a second one in a row ends the loop (`agent-invalid-action`). A
 * failed action is reported back too, but does not count. Running out of iterations without `done`
 * ends it with `agent-max-iterations`.
 */
import { AGENT_LIMITS, type AgentObservation, type AgentStep } from "./browser-agent";
import type { AgentPageView } from "./browser-agent-session";

/** Where an agentic browse's loop is. */
export interface AgentLoopState {
	/** Iterations used so far (the next decision is `iterations + 1`). */
	iterations: number;
	/** Actions taken, refused or failed, in order. */
	steps: AgentStep[];
	/** What the next observation reports back to the model. */
	lastError: string | null;
	/** Unusable or refused decisions in a row. */
	invalidInARow: number;
	/** What `extract` recorded. */
	extracted: string[];
}

/** How the loop goes on after a step. */
export type AgentLoopNext =
	| { kind: "continue"; state: AgentLoopState }
	| { kind: "done"; state: AgentLoopState; answer: string | null }
	| { kind: "failed"; state: AgentLoopState; code: "agent-invalid-action" | "agent-max-iterations"; message: string };

/** What an unusable decision is reported back as. */
export const UNUSABLE_ACTION = "your answer was not a valid action; answer with exactly one action";

/** The state before the first decision. */
export function startAgentLoop(): AgentLoopState {
	return { iterations: 0, steps: [], lastError: null, invalidInARow: 0, extracted: [] };
}

/** What the model sees for the next decision, on `view` (the page after the last action). */
export function agentObservationOf(
	state: AgentLoopState,
	view: AgentPageView,
	maxIterations: number,
): AgentObservation {
	return {
		iteration: state.iterations + 1,
		maxIterations,
		url: view.url,
		title: view.title,
		elements: view.elements.slice(0, AGENT_LIMITS.maxElements),
		text: view.text,
		lastError: state.lastError,
		history: state.steps.slice(-AGENT_LIMITS.maxHistory),
	};
}

/**
 * The loop after the next iteration: `step` is the action as the harness recorded it (performed,
 * refused or failed), or null when the model gave no usable action (nothing was performed).
 */
export function afterAgentStep(state: AgentLoopState, step: AgentStep | null, maxIterations: number): AgentLoopNext {
	const next: AgentLoopState = {
		...state,
		iterations: state.iterations + 1,
		steps: step ? [...state.steps, step] : state.steps,
		lastError: null,
	};
	const invalid = (reason: string): AgentLoopNext => {
		next.invalidInARow = state.invalidInARow + 1;
		if (next.invalidInARow >= 2) {
			const message = `the agent gave an invalid or refused action twice in a row; the last: ${reason}`;
			return { kind: "failed", state: next, code: "agent-invalid-action", message };
		}
		next.lastError = reason;
		return orOutOfIterations(next, maxIterations);
	};
	if (step === null) return invalid(UNUSABLE_ACTION);
	if (step.outcome === "refused") return invalid(step.detail ?? `${step.action.type} was refused`);
	next.invalidInARow = 0;
	if (step.outcome === "failed") {
		next.lastError = step.detail ?? `${step.action.type} did not work`;
		return orOutOfIterations(next, maxIterations);
	}
	if (step.action.type === "extract" && step.action.text !== null)
		next.extracted = [...state.extracted, step.action.text];
	if (step.action.type === "done") return { kind: "done", state: next, answer: step.action.text ?? answerFrom(next) };
	return orOutOfIterations(next, maxIterations);
}

function orOutOfIterations(state: AgentLoopState, maxIterations: number): AgentLoopNext {
	if (state.iterations < maxIterations) return { kind: "continue", state };
	const message = `the agent used all ${maxIterations} iterations without finishing (done)`;
	return { kind: "failed", state, code: "agent-max-iterations", message };
}

/** What the extract actions recorded, joined, within the answer bound; null when there was none. */
function answerFrom(state: AgentLoopState): string | null {
	if (state.extracted.length === 0) return null;
	const joined = state.extracted.join("\n\n");
	const max = AGENT_LIMITS.maxAnswerChars;
	return joined.length > max ? `${joined.slice(0, max)}\n[… cut at ${max} characters]` : joined;
}
