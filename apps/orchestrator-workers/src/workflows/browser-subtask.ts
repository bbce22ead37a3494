/**
 * A browser subtask (not agentic) in two steps, so that a failed model call never loads the page again:
 *
 *   subtask:<id>:page   the harness reads the page (final URL, title, text, screenshot)
 *   subtask:<id>        the small model answers from that page
 *
 * The engine keeps the page step's output and replays it to the answer step's retries. Page text too
 * long to keep there goes to R2 (`PAGES`) and the step returns its key instead.
 */
import { answerFromPagePrompt, type DependencyOutput } from "@ow/prompts";
import type { Subtask, SubtaskOutput } from "@ow/schemas";
import { OrchestratorError } from "../errors";
import type { BrowserHarnessBinding } from "../harness";
import type { Models } from "../models";
import { attemptStartedStatements, recordSubtaskOutcome } from "../registry/run-registry";
import { generateAnswer } from "./model-call";
import type { CallSteps } from "./call-steps";
import { now, STEP, type Run, type SubtaskStepResult } from "./run-context";
import { stepConfig } from "./step-policy";
import { browse, textOf } from "./subtasks";
import { withRetryEvent } from "./subtask-retries";
import { truncateText } from "./truncate";

/**
 * Page text up to this many UTF-8 bytes stays in the page step's output; longer text goes to R2. Far
 * below the platform's 1 MiB per step, because the engine reads a run's step outputs back on every
 * replay: a run of many browser subtasks should not carry their pages along.
 */
export const PAGE_TEXT_INLINE_BYTES = 32 * 1024;

/** What the page step returns. */
export interface PageRead {
	url: string;
	title: string;
	screenshotKey: string | null;
	/** The page's text, cut to `MAX_STEP_OUTPUT_CHARS`, when it is short enough to keep inline … */
	text: string | null;
	/** … else the key in the `PAGES` bucket where it is kept. */
	textKey: string | null;
	/** When the page step began: the subtask's start. */
	startedAt: string;
}

/** Where a subtask's long page text is kept: one object per subtask, replaced when the page is read again. */
export const pageTextKey = (runId: string, subtaskId: string) => `pages/${runId}/${subtaskId}.txt`;

/**
 * Runs a browser subtask as its two steps. The answer step's attempts replay the page step from the
 * engine's cache, so the site sees one load whatever the model does. Each step's attempts count as the
 * subtask's attempts (the registry keeps the most either took).
 */
export async function browserSubtaskSteps(
	steps: CallSteps,
	deps: { pages: R2Bucket; harness: BrowserHarnessBinding },
	run: Run,
	task: Subtask,
	{ dependencies }: { dependencies: DependencyOutput[] },
): Promise<SubtaskStepResult> {
	const db = steps.db;
	const announce = (ctx: { attempt: number }) => attemptStartedStatements(db, run.id, task.id, ctx.attempt, now());
	const config = stepConfig(run.config.subtask);
	const pageStep = STEP.subtaskPage(task.id);
	const input: PageInput = {
		runId: run.id,
		subtask: task,
		screenshot: run.options.screenshots,
		browseTimeoutMs: run.config.browseTimeoutMs,
		maxTextChars: run.config.maxStepOutputChars,
	};
	const page: PageRead = await run.step.do(pageStep, config, (ctx) =>
		steps.runAttempt(
			run,
			{ name: pageStep, attempt: ctx.attempt },
			() => withRetryEvent(steps.env, run, task, { attempt: ctx.attempt, step: "page" }, () => readPage(deps, input)),
			announce(ctx),
		),
	);
	const question = { request: run.prompt, subtask: task, dependencies, maxOutputChars: run.config.maxStepOutputChars };
	return steps.callAndRecord(run, {
		name: STEP.subtask(task.id),
		config,
		announce,
		body: (ctx) =>
			withRetryEvent(steps.env, run, task, { attempt: ctx.attempt }, async () => {
				const output = await answerFromPage({ models: run.models, pages: deps.pages }, question, page);
				return { ...output, attempts: ctx.attempt, startedAt: page.startedAt, finishedAt: now() };
			}),
		usage: (succeeded) => succeeded.usage,
		recordStep: STEP.recordSubtask(task.id),
		record: (succeeded, spent) =>
			recordSubtaskOutcome(db, run.id, task.id, { status: "succeeded", ...succeeded }, spent),
	});
}

export interface PageInput {
	runId: string;
	subtask: Subtask;
	screenshot: boolean;
	browseTimeoutMs: number;
	/** The page text is cut to this before it is kept (it reaches the prompt whole). */
	maxTextChars: number;
}

/** The page step's body: one browse through the harness. */
export async function readPage(
	deps: { harness: BrowserHarnessBinding; pages: R2Bucket },
	input: PageInput,
): Promise<PageRead> {
	const startedAt = now();
	const page = await browse(deps.harness, {
		url: input.subtask.url ?? "",
		goal: input.subtask.instructions,
		runId: input.runId,
		screenshot: input.screenshot,
		timeoutMs: input.browseTimeoutMs,
	});
	// Cut before it is kept, so the prompt built from it stays within the model's context.
	const text = truncateText(page.text, input.maxTextChars).text;
	const kept = await keepPageText(deps.pages, pageTextKey(input.runId, input.subtask.id), text);
	return { url: page.finalUrl, title: page.title, screenshotKey: page.screenshotKey, ...kept, startedAt };
}

/** Keeps `text` inline when it is short, else in R2 under `key`. */
export async function keepPageText(
	pages: R2Bucket,
	key: string,
	text: string,
): Promise<Pick<PageRead, "text" | "textKey">> {
	if (new TextEncoder().encode(text).byteLength <= PAGE_TEXT_INLINE_BYTES) return { text, textKey: null };
	try {
		await pages.put(key, text, { httpMetadata: { contentType: "text/plain; charset=utf-8" } });
	} catch (error) {
		throw new OrchestratorError("browser-failed", `The page text could not be stored in R2 (PAGES): ${String(error)}`, {
			recoverable: true,
			cause: error,
		});
	}
	return { text: null, textKey: key };
}

/** The page's text, from the step output or from R2. */
export async function pageTextOf(pages: R2Bucket, page: Pick<PageRead, "url" | "text" | "textKey">): Promise<string> {
	if (page.text !== null) return page.text;
	const object = page.textKey === null ? null : await pages.get(page.textKey);
	if (!object) {
		// Retrying the answer cannot bring it back; redoing the subtask reads the page again.
		throw new OrchestratorError(
			"browser-failed",
			`The text read from ${page.url} is no longer stored (${page.textKey}); restart the subtask to read the page again.`,
		);
	}
	return object.text();
}

export interface AnswerInput {
	request: string;
	subtask: Subtask;
	dependencies: DependencyOutput[];
	maxOutputChars: number;
}

/** The answer step's body: the small model answers from the page the page step read. */
export async function answerFromPage(
	deps: { models: Models; pages: R2Bucket },
	input: AnswerInput,
	page: PageRead,
): Promise<SubtaskOutput> {
	const text = await pageTextOf(deps.pages, page);
	const prompt = answerFromPagePrompt({
		request: input.request,
		subtask: input.subtask,
		page: { url: page.url, title: page.title, text },
		dependencies: input.dependencies,
	});
	const answer = await generateAnswer(deps.models.call("subtask", prompt, input.subtask.model));
	return {
		...textOf(answer.text, input),
		source: { url: page.url, title: page.title, screenshotKey: page.screenshotKey },
		usage: answer.usage,
	};
}
