/**
 * Step bodies of subtasks. An "llm" subtask is answered by the small model; a "browser" subtask has
 * the browser harness read its page first, then the small model answers from that page. (An agentic
 * browser subtask is a loop of steps of its own: `agentic-subtask.ts`.)
 */
import { answerFromPagePrompt, runSubtaskPrompt, type DependencyOutput } from "@ow/prompts";
import {
	browseResultSchema,
	type BrowsedPage,
	type BrowseRequest,
	type Subtask,
	type SubtaskOutput,
} from "@ow/schemas";
import type { BrowserHarnessBinding } from "../harness";
import { messageOf, OrchestratorError, type OrchestratorErrorCode } from "../errors";
import type { Models } from "../models";
import { generateAnswer } from "./model-call";
import { truncateText } from "./truncate";

export interface SubtaskInput {
	runId: string;
	request: string;
	subtask: Subtask;
	dependencies: DependencyOutput[];
	maxOutputChars: number;
	/** Browser subtasks keep a screenshot of their page. */
	screenshot: boolean;
	/** How long the page may take to load. */
	browseTimeoutMs: number;
}

/** What a subtask needs besides its input. */
export interface SubtaskDeps {
	models: Models;
	harness: BrowserHarnessBinding;
}

/** Runs one subtask with the executor its plan names. */
export async function runSubtask(deps: SubtaskDeps, input: SubtaskInput): Promise<SubtaskOutput> {
	return input.subtask.executor === "browser" ? runBrowserSubtask(deps, input) : runLlmSubtask(deps.models, input);
}

async function runLlmSubtask(models: Models, input: SubtaskInput): Promise<SubtaskOutput> {
	const prompt = runSubtaskPrompt({ request: input.request, subtask: input.subtask, dependencies: input.dependencies });
	const answer = await generateAnswer(models.call("small", prompt));
	return { ...textOf(answer.text, input), source: null, usage: answer.usage };
}

async function runBrowserSubtask(deps: SubtaskDeps, input: SubtaskInput): Promise<SubtaskOutput> {
	const page = await browse(deps.harness, {
		url: input.subtask.url ?? "",
		goal: input.subtask.instructions,
		runId: input.runId,
		screenshot: input.screenshot,
		timeoutMs: input.browseTimeoutMs,
	});
	// Page text is cut before it reaches the prompt, so the prompt stays within the model's context.
	const text = truncateText(page.text, input.maxOutputChars).text;
	const prompt = answerFromPagePrompt({
		request: input.request,
		subtask: input.subtask,
		page: { url: page.finalUrl, title: page.title, text },
		dependencies: input.dependencies,
	});
	const answer = await generateAnswer(deps.models.call("small", prompt));
	return {
		...textOf(answer.text, input),
		source: { url: page.finalUrl, title: page.title, screenshotKey: page.screenshotKey },
		usage: answer.usage,
	};
}

function textOf(text: string, input: SubtaskInput): { output: string; truncated: boolean } {
	const cut = truncateText(text, input.maxOutputChars);
	return { output: cut.text, truncated: cut.truncated };
}

const HARNESS_ERROR_CODES: Partial<Record<string, OrchestratorErrorCode>> = {
	"url-refused": "url-refused",
	"browser-unavailable": "browser-unavailable",
};

/** Calls the harness and turns its answer into a page or a classified error. */
async function browse(harness: BrowserHarnessBinding, request: BrowseRequest): Promise<BrowsedPage> {
	let raw: unknown;
	try {
		raw = await harness.browse(request);
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
