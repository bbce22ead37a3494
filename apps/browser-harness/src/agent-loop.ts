/**
 * The agent loop, over any page that can be observed and acted on: observe -> decide (the caller's
 * model, over RPC) -> check -> perform -> report progress -> repeat, at most `maxIterations` times,
 * all within one deadline.
 *
 * Ends with `done` (the answer), or throws `agent-max-iterations` (no `done` in time) or
 * `agent-invalid-action` (two unusable or refused actions in a row). An unusable or refused action,
 * or a failed one, is reported back to the model once, in the next observation's `lastError`.
 * Every step lands in the caller's `AgentTrace` as it happens, so a failure keeps the partial steps.
 */
import {
	AGENT_LIMITS,
	type AgentAction,
	type AgentCallbacks,
	type AgentElement,
	type AgentResult,
	type AgentStep,
} from "@ow/schemas";
import { checkAction } from "./agent-rules";
import { withTimeout } from "./browser-client";
import { BrowserHarnessError } from "./errors";
import { truncateText } from "./page-content";
import type { UrlPolicy } from "./url-safety";

/** The page as the model sees it. */
export interface PageView {
	url: string;
	title: string;
	elements: AgentElement[];
	text: string;
}

/** How performing an action went. */
export interface ActOutcome {
	outcome: AgentStep["outcome"];
	detail: string | null;
}

/** A page the loop can drive; `agent-page.ts` implements it over puppeteer, tests with a fake. */
export interface AgentPage {
	observe(): Promise<PageView>;
	/** Performs a checked action (`target`: navigate's resolved URL). Refuses what the page-side checks catch. */
	perform(action: AgentAction, target: URL | null): Promise<ActOutcome>;
}

/** The steps of one agentic browse so far; owned by the caller so a failure can report them. */
export interface AgentTrace {
	steps: AgentStep[];
	/** True once an action that can change something (click, type, select, navigate) was attempted. */
	acted: boolean;
}

/** Options of `runAgentLoop`. */
export interface AgentLoopOptions {
	maxIterations: number;
	/** Epoch ms by which the loop must be done (the request's timeout). */
	deadline: number;
	/** Origins the agent may go to. */
	origins: ReadonlySet<string>;
	policy: UrlPolicy;
	now?: () => number;
}

const SIDE_EFFECTS: ReadonlySet<AgentAction["type"]> = new Set(["click", "type", "select", "navigate"]);

/** A new, empty trace. */
export function newTrace(): AgentTrace {
	return { steps: [], acted: false };
}

/** Runs the loop until `done`; throws a `BrowserHarnessError` otherwise (steps stay in `trace`). */
export async function runAgentLoop(
	page: AgentPage,
	callbacks: AgentCallbacks,
	options: AgentLoopOptions,
	trace: AgentTrace,
): Promise<AgentResult> {
	const now = options.now ?? Date.now;
	const within = <T>(promise: Promise<T>, what: string): Promise<T> => {
		const left = options.deadline - now();
		if (left <= 0) return Promise.reject(outOfTime(what, trace));
		return withTimeout(promise, left, what).catch((error: unknown) => {
			throw error instanceof Error && error.name === "TimeoutError" ? outOfTime(what, trace) : error;
		});
	};
	const extracted: string[] = [];
	let lastError: string | null = null;
	let invalidInARow = 0;
	const invalid = (reason: string): void => {
		invalidInARow++;
		if (invalidInARow >= 2) {
			throw new BrowserHarnessError(
				"agent-invalid-action",
				`the agent gave an invalid or refused action twice in a row; the last: ${reason}`,
			);
		}
		lastError = reason;
	};

	for (let iteration = 1; iteration <= options.maxIterations; iteration++) {
		const view = await within(page.observe(), "observing the page");
		const observation = {
			iteration,
			maxIterations: options.maxIterations,
			...view,
			lastError,
			history: trace.steps.slice(-AGENT_LIMITS.maxHistory),
		};
		lastError = null;
		const decided = await within(decide(callbacks, observation), "waiting for the next action");
		const verdict = checkAction(decided, {
			elements: view.elements,
			pageUrl: view.url,
			origins: options.origins,
			policy: options.policy,
		});
		if (verdict.verdict === "unusable") {
			invalid(verdict.reason);
			continue;
		}
		const { action } = verdict;
		if (verdict.verdict === "ok" && SIDE_EFFECTS.has(action.type)) trace.acted = true;
		const outcome: ActOutcome =
			verdict.verdict === "ok"
				? await within(page.perform(action, verdict.target), `performing ${action.type}`)
				: { outcome: "refused", detail: verdict.reason };
		const step: AgentStep = { iteration, action, ...outcome };
		trace.steps.push(step);
		await report(callbacks, step, options.maxIterations, within);
		if (outcome.outcome === "refused") {
			invalid(outcome.detail ?? `${action.type} was refused`);
			continue;
		}
		invalidInARow = 0;
		if (outcome.outcome === "failed") {
			lastError = outcome.detail ?? `${action.type} did not work`;
			continue;
		}
		if (action.type === "extract" && action.text !== null) extracted.push(action.text);
		if (action.type === "done") {
			return { answer: action.text ?? answerFrom(extracted), actions: trace.steps, iterations: iteration };
		}
	}
	throw new BrowserHarnessError(
		"agent-max-iterations",
		`the agent used all ${options.maxIterations} iterations without finishing (done)`,
	);
}

async function decide(callbacks: AgentCallbacks, observation: Parameters<AgentCallbacks["decide"]>[0]) {
	try {
		return await callbacks.decide(observation);
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		throw new BrowserHarnessError("agent-callback-failed", `deciding the next action failed: ${message}`, {
			cause: error,
		});
	}
}

async function report(
	callbacks: AgentCallbacks,
	step: AgentStep,
	maxIterations: number,
	within: <T>(promise: Promise<T>, what: string) => Promise<T>,
): Promise<void> {
	if (!callbacks.progress) return;
	try {
		await within(callbacks.progress({ ...step, maxIterations }), "reporting progress");
	} catch (error) {
		if (BrowserHarnessError.isInstance(error) && error.code === "navigation-timeout") throw error;
		// Progress is informational: a caller that cannot record it must not lose the browse.
		console.warn(JSON.stringify({ msg: "agent progress callback failed", error: String(error) }));
	}
}

/** What the extract actions recorded, joined, within the answer bound; null when there was none. */
function answerFrom(extracted: readonly string[]): string | null {
	if (extracted.length === 0) return null;
	return truncateText(extracted.join("\n\n"), AGENT_LIMITS.maxAnswerChars).text;
}

function outOfTime(what: string, trace: AgentTrace): BrowserHarnessError {
	return new BrowserHarnessError(
		"navigation-timeout",
		`the agent ran out of time while ${what} (after ${trace.steps.length} actions); raise timeoutMs or lower maxIterations`,
	);
}
