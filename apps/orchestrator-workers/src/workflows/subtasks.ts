/**
 * Step bodies of subtasks. An "llm" subtask is answered by the small model; an agentic browser subtask
 * is driven by the harness, which asks this side for each action. A plain "browser" subtask reads its
 * page and answers from it in two steps of its own (browser-subtask.ts).
 */
import { browserAgentPrompt, runSubtaskPrompt, type DependencyOutput } from "@ow/prompts";
import {
	addUsage,
	agentActionSchema,
	browseResultSchema,
	EMPTY_USAGE,
	type AgentAction,
	type AgentCallbacks,
	type AgentObservation,
	type AgentStep,
	type BrowsedPage,
	type BrowseRequest,
	type Subtask,
	type SubtaskOutput,
	type Usage,
} from "@ow/schemas";
import type { BrowserHarnessBinding } from "../harness";
import { messageOf, OrchestratorError, type OrchestratorErrorCode } from "../errors";
import type { Models } from "../models";
import { generateAnswer, generateStructured } from "./model-call";
import { truncateText } from "./truncate";

export interface SubtaskInput {
	runId: string;
	request: string;
	subtask: Subtask;
	dependencies: DependencyOutput[];
	maxOutputChars: number;
	/** Browser subtasks keep a screenshot of their page. */
	screenshot: boolean;
	/** Most actions an agentic browser subtask may take. */
	maxIterations: number;
	/** How long the page may take to load. */
	browseTimeoutMs: number;
}

/** What a subtask needs besides its input. */
export interface SubtaskDeps {
	models: Models;
	harness: BrowserHarnessBinding;
	/** Called after each action of an agentic browser subtask (progress, kept actions). */
	onAgentStep: (step: AgentStep & { maxIterations: number }) => Promise<void>;
}

/**
 * Runs one subtask that is a single step: an "llm" or an agentic browser subtask. A plain browser
 * subtask is not one step (see browser-subtask.ts), so it never comes here.
 */
export async function runSubtask(deps: SubtaskDeps, input: SubtaskInput): Promise<SubtaskOutput> {
	if (input.subtask.executor !== "browser") return runLlmSubtask(deps.models, input);
	if (input.subtask.agentic) return runAgenticSubtask(deps, input);
	throw new OrchestratorError("internal", `Subtask "${input.subtask.id}" reads its page in a step of its own.`);
}

async function runLlmSubtask(models: Models, input: SubtaskInput): Promise<SubtaskOutput> {
	const prompt = runSubtaskPrompt({ request: input.request, subtask: input.subtask, dependencies: input.dependencies });
	const answer = await generateAnswer(models.call("subtask", prompt));
	return { ...textOf(answer.text, input), source: null, usage: answer.usage };
}

/** A subtask's output text, cut to the step's size. */
export function textOf(
	text: string,
	input: Pick<SubtaskInput, "maxOutputChars">,
): { output: string; truncated: boolean } {
	const cut = truncateText(text, input.maxOutputChars);
	return { output: cut.text, truncated: cut.truncated };
}

const HARNESS_ERROR_CODES: Partial<Record<string, OrchestratorErrorCode>> = {
	"url-refused": "url-refused",
	"browser-unavailable": "browser-unavailable",
	"agent-max-iterations": "agent-max-iterations",
	"agent-invalid-action": "agent-invalid-action",
};

/**
 * An agentic browser subtask: the harness observes and acts in the page; at each step it asks this
 * side (over RPC, a callback) which action to take, and the small model decides from the observation.
 * The subtask's output is the answer the agent extracted.
 */
async function runAgenticSubtask(deps: SubtaskDeps, input: SubtaskInput): Promise<SubtaskOutput> {
	let usage: Usage = EMPTY_USAGE;
	const goal = input.subtask.instructions;
	const decide = async (observation: AgentObservation): Promise<AgentAction | null> => {
		const call = deps.models.call("agent", browserAgentPrompt({ goal, observation }));
		const answer = await generateStructured<AgentAction>(call, agentActionSchema);
		usage = addUsage(usage, answer.usage);
		return answer.ok ? answer.value : null; // the harness reports an unusable answer back to the model once
	};
	const page = await browse(
		deps.harness,
		{
			url: input.subtask.url ?? "",
			goal,
			runId: input.runId,
			screenshot: input.screenshot,
			maxIterations: input.maxIterations,
			...(input.subtask.allowedOrigins ? { allowedOrigins: input.subtask.allowedOrigins } : {}),
		},
		{ decide, progress: deps.onAgentStep },
	);
	return {
		...textOf(page.agent?.answer ?? page.text, input),
		source: { url: page.finalUrl, title: page.title, screenshotKey: page.screenshotKey },
		usage,
	};
}

/** Calls the harness and turns its answer into a page or a classified error. */
export async function browse(
	harness: BrowserHarnessBinding,
	request: BrowseRequest,
	agent?: AgentCallbacks,
): Promise<BrowsedPage> {
	let raw: unknown;
	try {
		raw = agent ? await harness.browse(request, agent) : await harness.browse(request);
	} catch (error) {
		throw new OrchestratorError(
			"browser-unavailable",
			`The browser harness could not be reached through the BROWSER_HARNESS service binding: ${messageOf(error)}. ` +
				"Locally, `npx nx dev orchestrator-workers` starts it together with the orchestrator; when deployed, " +
				"deploy the browser-harness Worker of the same environment.",
			{ recoverable: true, cause: error },
		);
	}
	const parsed = browseResultSchema.safeParse(raw);
	if (!parsed.success) {
		throw new OrchestratorError(
			"browser-failed",
			`The browser harness answered in an unexpected shape: ${parsed.error.message}`,
		);
	}
	const result = parsed.data;
	if (!result.ok) {
		const code = HARNESS_ERROR_CODES[result.error.code] ?? "browser-failed";
		throw new OrchestratorError(code, `${request.url}: ${result.error.message}`, {
			recoverable: result.error.retryable,
		});
	}
	if (result.page.blocked) {
		throw new OrchestratorError(
			"page-blocked",
			`${result.page.finalUrl} is a ${result.page.blocked.kind} page, not content: ${result.page.blocked.reason}`,
		);
	}
	return result.page;
}
