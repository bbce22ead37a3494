/**
 * Step bodies of subtasks. An "llm" subtask is answered by the small model in one step. A plain
 * browser subtask reads its page and answers from it in two steps of its own (browser-subtask.ts); an
 * agentic one is a loop of steps of its own (agentic-subtask.ts).
 */
import { runSubtaskPrompt, type DependencyOutput } from "@ow/prompts";
import {
	browseResultSchema,
	type BrowsedPage,
	type BrowseRequest,
	type Subtask,
	type SubtaskOutput,
} from "@ow/schemas";
import type { z } from "zod";
import type { BrowserHarnessBinding } from "../harness";
import { messageOf, OrchestratorError, type OrchestratorErrorCode } from "../errors";
import type { Models } from "../models";
import { traced } from "../telemetry/trace-context";
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

/** Runs an "llm" subtask, the one kind that is a single step; browser subtasks never come here. */
export async function runSubtask(deps: SubtaskDeps, input: SubtaskInput): Promise<SubtaskOutput> {
	if (input.subtask.executor !== "browser") return runLlmSubtask(deps.models, input);
	throw new OrchestratorError("internal", `Browser subtask "${input.subtask.id}" runs in steps of its own.`);
}

async function runLlmSubtask(models: Models, input: SubtaskInput): Promise<SubtaskOutput> {
	const prompt = runSubtaskPrompt({ request: input.request, subtask: input.subtask, dependencies: input.dependencies });
	const answer = await generateAnswer(models.call("subtask", prompt, input.subtask.model));
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
	"session-lost": "session-lost",
};

/** Calls the harness and turns its answer into a page or a classified error, in a span of its own. */
export function browse(harness: BrowserHarnessBinding, request: BrowseRequest): Promise<BrowsedPage> {
	return traceBrowserCall(
		"browser.read_page",
		request.url,
		() => readPage(harness, request),
		(page) => page,
	);
}

/** A browser call's span: the URL, the HTTP status and how long the page took (`browser.load_ms`). */
export function traceBrowserCall<T>(
	name: string,
	url: string,
	call: () => Promise<T>,
	pageOf: (result: T) => BrowsedPage | null | undefined,
): Promise<T> {
	return traced(
		name,
		{ "url.full": url },
		async (span) => {
			const started = Date.now();
			const result = await call();
			const page = pageOf(result);
			span?.set({
				"browser.load_ms": Date.now() - started,
				"http.response.status_code": page?.httpStatus ?? undefined,
				"url.final": page?.finalUrl,
			});
			return result;
		},
		(e) => (e instanceof OrchestratorError ? e.code : "internal"),
	);
}

async function readPage(harness: BrowserHarnessBinding, request: BrowseRequest): Promise<BrowsedPage> {
	const { page } = await callHarness(request.url, () => harness.browse(request), browseResultSchema);
	if (page.blocked) {
		throw new OrchestratorError(
			"page-blocked",
			`${page.finalUrl} is a ${page.blocked.kind} page, not content: ${page.blocked.reason}`,
		);
	}
	return page;
}

/** What every harness RPC answers: a result, or an error the harness classified. */
type HarnessAnswer = { ok: true } | { ok: false; error: { code: string; message: string; retryable: boolean } };

/** Calls the harness about `url` and checks the answer against `schema`: its result, or a classified error. */
export async function callHarness<R extends HarnessAnswer>(
	url: string,
	call: () => Promise<unknown>,
	schema: z.ZodType<R>,
): Promise<Extract<R, { ok: true }>> {
	let raw: unknown;
	try {
		raw = await call();
	} catch (error) {
		throw new OrchestratorError(
			"browser-unavailable",
			`The browser harness could not be reached through the BROWSER_HARNESS service binding: ${messageOf(error)}. ` +
				"Locally, `npx nx dev orchestrator-workers` starts it together with the orchestrator; when deployed, " +
				"deploy the browser-harness Worker of the same environment.",
			{ recoverable: true, cause: error },
		);
	}
	const parsed = schema.safeParse(raw);
	if (!parsed.success) {
		throw new OrchestratorError(
			"browser-failed",
			`The browser harness answered in an unexpected shape: ${parsed.error.message}`,
		);
	}
	const result: HarnessAnswer = parsed.data;
	if (!result.ok) {
		const code = HARNESS_ERROR_CODES[result.error.code] ?? "browser-failed";
		throw new OrchestratorError(code, `${url}: ${result.error.message}`, { recoverable: result.error.retryable });
	}
	return parsed.data as Extract<R, { ok: true }>;
}
