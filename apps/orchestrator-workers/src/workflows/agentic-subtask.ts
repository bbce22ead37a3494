/**
 * An agentic browser subtask as a durable loop driven by the Workflow, one step per call:
 *
 *   subtask:<id>:open       the harness leases a browser session for the agent and opens the start URL
 *   subtask:<id>:decide:<k> one model call picks action k from what the page showed
 *   subtask:<id>:act:<k>    the harness performs action k in the leased session and observes the page
 *   subtask:<id>:release    the session goes back (whatever the outcome)
 *
 * A decision's 429 or 5xx retries only that model call; an act's retry never performs the action
 * twice (the harness answers it from its record). The loop's state (iteration, steps, the error to
 * report back) is rebuilt from the steps' cached results on every replay, by the same rules the
 * harness's tests drive (`afterAgentStep`). A page whose session was lost is rebuilt by the harness
 * by replaying what is safe to replay; when that is impossible the subtask fails `session-lost`.
 */
import { browserAgentPrompt } from "@ow/prompts";
import {
	addUsage,
	afterAgentStep,
	agentActionSchema,
	agentObservationOf,
	agentSessionResultSchema,
	EMPTY_USAGE,
	startAgentLoop,
	type AgentAction,
	type AgentPageView,
	type AgentSessionResult,
	type AgentStep,
	type BrowsedPage,
	type Subtask,
	type Usage,
} from "@ow/schemas";
import { RECORD_POLICY } from "../config";
import { messageOf, OrchestratorError } from "../errors";
import type { BrowserHarnessBinding } from "../harness";
import { logEvent } from "../log";
import { attemptStartedStatements, recordAgentStep, recordSubtaskOutcome } from "../registry/run-registry";
import { generateStructured } from "./model-call";
import { callHarness, traceBrowserCall } from "./subtasks";
import type { CallSteps } from "./call-steps";
import { now, STEP, type Run, type SubtaskStepResult } from "./run-context";
import { stepConfig } from "./step-policy";
import { truncateText } from "./truncate";

/** What the loop needs besides its call steps. */
export interface AgenticDeps {
	harness: BrowserHarnessBinding;
}

interface Opened {
	leaseId: string;
	view: AgentPageView;
	attempt: number;
	at: string;
}

interface Decided {
	action: AgentAction | null;
	usage: Usage;
}

interface Acted {
	step: AgentStep;
	view: AgentPageView | null;
	page: BrowsedPage | null;
	at: string;
}

/**
 * Runs an agentic browser subtask to its end and records its success; throws (after releasing the
 * session) when it fails. Each decision's usage is spent on the run as its step finishes.
 */
export async function runAgenticSubtask(
	steps: CallSteps,
	run: Run,
	task: Subtask,
	deps: AgenticDeps,
): Promise<SubtaskStepResult> {
	const policy = stepConfig(run.config.subtask);
	const maxIterations = run.config.agentMaxIterations;
	const openName = STEP.agentOpen(task.id);
	const opened = await run.step.do(openName, policy, (ctx) =>
		steps.runAttempt(
			run,
			{ name: openName, attempt: ctx.attempt },
			async (): Promise<Opened> => {
				// A fresh id per attempt: an attempt whose answer was lost leaves a lease the pool reclaims.
				const leaseId = `${run.id}.${task.id}.${crypto.randomUUID().slice(0, 8)}`;
				const result = await harnessCall(task, "browser.open_session", () =>
					deps.harness.openSession({
						leaseId,
						url: task.url ?? "",
						timeoutMs: run.config.browseTimeoutMs,
						...(task.allowedOrigins ? { allowedOrigins: task.allowedOrigins } : {}),
					}),
				);
				return { leaseId, view: result.view!, attempt: ctx.attempt, at: now() };
			},
			attemptStartedStatements(steps.db, run.id, task.id, ctx.attempt, now()),
		),
	);
	let result: SubtaskStepResult | undefined;
	try {
		const ended = await loop(steps, run, task, deps, opened, maxIterations);
		result = { ...ended, attempts: opened.attempt, startedAt: opened.at };
		return result;
	} finally {
		const succeeded = result;
		await run.step.do(STEP.agentRelease(task.id), stepConfig(RECORD_POLICY), async () => {
			// Releasing is tidying up: a session it misses is reclaimed when its lease expires.
			await deps.harness.releaseSession(opened.leaseId).catch((error: unknown) => {
				logEvent({ msg: "agent session release failed", runId: run.id, error: messageOf(error) }, "warn");
			});
			// A success is recorded here rather than in a step of its own, which Workflows would bill for
			// one write. A failed write fails this step, whose retry releases again (a no-op) and rewrites.
			if (succeeded) {
				await recordSubtaskOutcome(steps.db, run.id, task.id, { status: "succeeded", ...succeeded });
			}
		});
	}
}

/** Decide and act until `done` (the subtask's output) or a rule ends the loop (thrown). */
async function loop(
	steps: CallSteps,
	run: Run,
	task: Subtask,
	deps: AgenticDeps,
	opened: Opened,
	maxIterations: number,
): Promise<Omit<SubtaskStepResult, "attempts" | "startedAt">> {
	const policy = stepConfig(run.config.subtask);
	let state = startAgentLoop();
	let view = opened.view;
	let usage = EMPTY_USAGE;
	for (let k = 1; ; k++) {
		const observation = agentObservationOf(state, view, maxIterations);
		const decideName = STEP.agentDecide(task.id, k);
		// The decision's usage joins the run's ledger as its step ends (a failed call's too, by runAttempt).
		const decided = await steps.callAndRecord(run, {
			name: decideName,
			config: policy,
			body: async (): Promise<Decided> => {
				const call = run.models.call("agent", browserAgentPrompt({ goal: task.instructions, observation }), task.model);
				const answer = await generateStructured<AgentAction>(call, agentActionSchema);
				// An unusable answer is reported back to the model once, like a refused action.
				return { action: answer.ok ? answer.value : null, usage: answer.usage };
			},
			usage: (d) => d.usage,
			recordStep: STEP.recordAgentDecide(task.id, k),
			record: async (_d, spent) => {
				if (spent.length > 0) await steps.db.batch(spent);
			},
		});
		usage = addUsage(usage, decided.usage);

		let acted: Acted | null = null;
		if (decided.action) {
			const action = decided.action;
			const actName = STEP.agentAct(task.id, k);
			const observed = { url: view.url, elements: view.elements };
			acted = await run.step.do(actName, policy, (ctx) =>
				steps.runAttempt(run, { name: actName, attempt: ctx.attempt }, async (): Promise<Acted> => {
					const result = await harnessCall(task, `browser.act ${action.type}`, () =>
						deps.harness.act({
							leaseId: opened.leaseId,
							k,
							action,
							observed,
							timeoutMs: Math.min(120_000, 2 * run.config.browseTimeoutMs),
							screenshot: run.options.screenshots,
							runId: run.id,
						}),
					);
					const step = result.step!;
					await recordProgress(steps, run, task, opened.attempt, { ...step, maxIterations });
					return { step, view: result.view, page: result.page, at: now() };
				}),
			);
		}
		const next = afterAgentStep(state, acted?.step ?? null, maxIterations);
		state = next.state;
		if (next.kind === "failed") throw new OrchestratorError(next.code, `${task.url}: ${next.message}`);
		if (next.kind === "done") {
			const page = acted?.page;
			if (!page || !acted) throw new OrchestratorError("browser-failed", "the harness answered done without the page");
			if (page.blocked) {
				throw new OrchestratorError(
					"page-blocked",
					`${page.finalUrl} is a ${page.blocked.kind} page, not content: ${page.blocked.reason}`,
				);
			}
			const cut = truncateText(next.answer ?? page.text, run.config.maxStepOutputChars);
			return {
				output: cut.text,
				truncated: cut.truncated,
				source: { url: page.finalUrl, title: page.title, screenshotKey: page.screenshotKey },
				usage,
				finishedAt: acted.at,
			};
		}
		view = acted?.view ?? view;
	}
}

/** Progress only: a failed write must not fail the act (its step is in the act's result too). */
async function recordProgress(
	steps: CallSteps,
	run: Run,
	task: Subtask,
	attempt: number,
	step: AgentStep & { maxIterations: number },
): Promise<void> {
	try {
		await recordAgentStep(steps.db, run.id, task.id, attempt, step, now());
	} catch (error) {
		logEvent({ msg: "progress write failed", runId: run.id, error: String(error) }, "error");
	}
}

/** Calls the harness and turns its answer into a result or a classified error. */
function harnessCall(
	task: Subtask,
	spanName: string,
	call: () => Promise<unknown>,
): Promise<Extract<AgentSessionResult, { ok: true }>> {
	const url = task.url ?? "";
	return traceBrowserCall(
		spanName,
		url,
		() => callHarness(url, call, agentSessionResultSchema),
		(result) => result.page,
	);
}
