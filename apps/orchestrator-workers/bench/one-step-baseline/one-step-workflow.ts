/**
 * The baseline of the retry-cost benchmark: the product's plan, subtask and synthesis code, arranged
 * the way the reference demo (cloudflare/ai `demos/orchestrator-workers`) arranges its steps.
 *
 *   plan (big model) -> ONE step "subtasks" running every subtask with Promise.all (small model)
 *   -> synthesise (big model)
 *
 * Everything else matches the product, so the benchmark compares the step layout alone: the same
 * prompts and schemas, the same model plumbing (`maxRetries: 0`, errors classified the same way), and
 * the same step policy read from the same variables (`STEP_RETRY_LIMIT`, `STEP_RETRY_DELAY_MS`,
 * exponential backoff, timeouts). A model call that fails inside "subtasks" fails the step, and its
 * retry runs every subtask again. Subtasks run all at once, whatever their `dependsOn` says, as in
 * the demo; the benchmark's plans have no dependencies.
 */
import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from "cloudflare:workers";
import type { SynthesisInput } from "@ow/prompts";
import type { Synthesis } from "@ow/schemas";
import { readConfig } from "../../src/config";
import { OrchestratorError } from "../../src/errors";
import { SILENT_RELAY } from "../../src/progress/synthesis-relay";
import type { BrowserHarnessBinding } from "../../src/harness";
import { createModels, type Models } from "../../src/models";
import { draftPlan } from "../../src/workflows/plan";
import { stepConfig, toStepError } from "../../src/workflows/step-policy";
import { runSubtask, type SubtaskInput } from "../../src/workflows/subtasks";
import { streamSynthesis } from "../../src/workflows/synthesise";
import type { BaselineEnv, OneStepBaselineWorkflowParams } from "./types";

/** Step names; fixed, as replay needs. */
export const BASELINE_STEP = { plan: "plan", subtasks: "subtasks", synthesise: "synthesise" } as const;

/**
 * The baseline plans without browsing, so no subtask reaches for a browser; should one ever do, it
 * fails for good instead of retrying.
 */
const noBrowser = () =>
	Promise.reject(new OrchestratorError("browser-unavailable", "the one-step baseline has no browser"));
const NO_BROWSER: BrowserHarnessBinding = {
	browse: noBrowser,
	openSession: noBrowser,
	act: noBrowser,
	releaseSession: () => Promise.resolve(false),
	artifact: () => Promise.resolve(null),
	deleteRunArtifacts: () => Promise.resolve(0),
	poolStats: () => Promise.resolve(null),
	scalePool: () => Promise.resolve(null),
};

export class OneStepBaselineWorkflow extends WorkflowEntrypoint<BaselineEnv, OneStepBaselineWorkflowParams> {
	override async run(event: WorkflowEvent<OneStepBaselineWorkflowParams>, step: WorkflowStep): Promise<Synthesis> {
		const { prompt } = event.payload;
		const config = readConfig(this.env);
		const models = createModels(this.env);
		const planInput = { prompt, maxSubtasks: config.maxSubtasks, allowBrowser: false };
		const draft = await step.do(BASELINE_STEP.plan, stepConfig(config.plan), () =>
			asStep(() => draftPlan(models, planInput)),
		);
		if (!draft.check.ok) throw new Error(`[plan-invalid] ${draft.check.problems.join("; ")}`);
		const { subtasks } = draft.check.plan;
		const limits = {
			maxOutputChars: config.maxStepOutputChars,
			browseTimeoutMs: config.browseTimeoutMs,
		};
		const results = await step.do(BASELINE_STEP.subtasks, stepConfig(config.subtask), () =>
			asStep(() => Promise.all(subtasks.map((subtask) => answer(models, { request: prompt, subtask, ...limits })))),
		);
		const final = await step.do(BASELINE_STEP.synthesise, stepConfig(config.synthesise), () =>
			asStep(() => streamSynthesis(models, { request: prompt, results }, SILENT_RELAY)),
		);
		return final.synthesis;
	}
}

/** One subtask through the product's executor, as the result synthesis reads. */
async function answer(
	models: Models,
	input: Pick<SubtaskInput, "request" | "subtask" | "maxOutputChars" | "browseTimeoutMs">,
): Promise<SynthesisInput> {
	const deps = { models, harness: NO_BROWSER };
	const output = await runSubtask(deps, { ...input, runId: "baseline", dependencies: [], screenshot: false });
	const { id, title } = input.subtask;
	return { id, title, status: "succeeded", output: output.output, sourceUrl: null };
}

/** A step body as the product's steps run it: any failure leaves as a retryable or non-retryable error. */
async function asStep<T>(body: () => Promise<T>): Promise<T> {
	try {
		return await body();
	} catch (error) {
		throw toStepError(OrchestratorError.fromUnknown(error));
	}
}
