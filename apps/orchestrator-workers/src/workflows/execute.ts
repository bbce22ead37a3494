/**
 * The execute phase: the plan's subtasks run wave by wave (a wave is every subtask whose dependencies
 * are in earlier waves), at most `maxParallel` at once inside a wave. Each kind of subtask has its
 * steps: an "llm" one is the single step `subtask:<id>` (here); a browser one reads its page first
 * (browser-subtask.ts); an agentic one is a loop of steps (agentic-subtask.ts).
 */
import type { DependencyOutput, SynthesisInput } from "@ow/prompts";
import { ensembleOf, type Plan, type Subtask } from "@ow/schemas";
import { SKIPPED_FOR_BUDGET } from "../budget/run-budget";
import { OrchestratorError } from "../errors";
import { harnessOf } from "../harness";
import { attemptStartedStatements, recordSubtaskOutcome, type SubtaskOutcome } from "../registry/run-registry";
import { runAgenticSubtask } from "./agentic-subtask";
import { browserSubtaskSteps } from "./browser-subtask";
import type { CallSteps } from "./call-steps";
import { forEachLimit } from "./concurrency";
import { engineAbortIn } from "./engine-abort";
import { runDebate } from "./ensemble-debate";
import { runVote } from "./ensemble-vote";
import { dependencyWaves } from "./plan-validation";
import { elapsedMs, now, readsPageFirst, STEP, type Run, type SubtaskStepResult } from "./run-context";
import { fromStepError, stepConfig } from "./step-policy";
import { withRetryEvent } from "./subtask-retries";
import { runSubtask } from "./subtasks";

/**
 * Runs the plan's subtasks and returns each one's result in plan order, for synthesis. A subtask whose
 * dependency did not succeed is skipped; under `failFast` a failed wave ends the run, and a budget
 * that ran out ends it after the results it had.
 */
export async function executeWaves(steps: CallSteps, run: Run, plan: Plan): Promise<SynthesisInput[]> {
	const succeeded = new Map<string, SubtaskStepResult>();
	const results = new Map<string, SynthesisInput>();
	for (const wave of dependencyWaves(plan.subtasks)) {
		const inWave = wave.length > 1 && run.config.maxParallel > 1;
		await forEachLimit(wave, run.config.maxParallel, async (task) => {
			results.set(task.id, await executeSubtask(steps, run, plan, task, succeeded, inWave));
		});
		const failed = wave.filter((t) => results.get(t.id)?.status === "failed");
		if (run.options.failurePolicy === "failFast" && failed.length > 0) {
			const names = failed.map((t) => `"${t.id}"`).join(", ");
			throw new OrchestratorError("subtask-failed", `Subtask ${names} failed and the run's policy is failFast.`);
		}
	}
	if (steps.budget.stopped) {
		throw new OrchestratorError("budget-exceeded", "The run's budget ran out; it kept the results it had.");
	}
	const finished = [...succeeded.values()];
	if (finished.length > 0) {
		const start = finished.map((r) => r.startedAt).toSorted()[0]!;
		const end = finished
			.map((r) => r.finishedAt)
			.toSorted()
			.at(-1)!;
		run.timings.executeMs = elapsedMs(start, end);
	}
	return plan.subtasks.map((t) => results.get(t.id)!);
}

/**
 * Runs one subtask by its kind and records how it ended: succeeded, failed or skipped. `inWave`: it
 * runs beside others of its wave.
 */
async function executeSubtask(
	steps: CallSteps,
	run: Run,
	plan: Plan,
	task: Subtask,
	succeeded: Map<string, SubtaskStepResult>,
	inWave: boolean,
): Promise<SynthesisInput> {
	const env = steps.env;
	const record = (outcome: SubtaskOutcome) =>
		steps.recordStep(run, STEP.recordSubtask(task.id), () => recordSubtaskOutcome(steps.db, run.id, task.id, outcome));
	if (steps.budget.stopped) {
		await record({ status: "skipped", reason: SKIPPED_FOR_BUDGET, finishedAt: now() });
		return { id: task.id, title: task.title, status: "skipped", reason: SKIPPED_FOR_BUDGET };
	}
	const missing = task.dependsOn.filter((d) => !succeeded.has(d));
	if (missing.length > 0) {
		const reason = `dependency ${missing.map((d) => `"${d}"`).join(", ")} did not succeed`;
		await record({ status: "skipped", reason, finishedAt: now() });
		return { id: task.id, title: task.title, status: "skipped", reason };
	}
	const dependencies = dependenciesOf(plan, task, succeeded);
	const agentic = task.executor === "browser" && task.agentic === true;
	let result: SubtaskStepResult;
	try {
		result = agentic
			? await runAgenticSubtask(steps, run, task, {
					harness: harnessOf(env),
				})
			: readsPageFirst(task)
				? await browserSubtaskSteps(steps, { pages: env.PAGES, harness: harnessOf(env) }, run, task, {
						dependencies,
					})
				: await answerLlmSubtask(steps, run, task, dependencies, inWave);
	} catch (error) {
		const abort = engineAbortIn(error);
		if (abort) throw abort; // paused mid-subtask: the replay runs it again
		const info = fromStepError(error);
		if (info.code === "budget-exceeded") {
			// Its model call never started: the budget stopped the run first.
			await record({ status: "skipped", reason: SKIPPED_FOR_BUDGET, finishedAt: now() });
			return { id: task.id, title: task.title, status: "skipped", reason: SKIPPED_FOR_BUDGET };
		}
		// attempts 0: each attempt already counted itself when it started.
		await record({ status: "failed", error: info, attempts: 0, finishedAt: now() });
		return { id: task.id, title: task.title, status: "failed", error: info };
	}
	succeeded.set(task.id, result);
	return {
		id: task.id,
		title: task.title,
		status: "succeeded",
		output: result.output,
		sourceUrl: result.source?.url ?? null,
	};
}

/** An "llm" subtask: answered once (`llmSubtaskStep`) or by an ensemble (vote or debate). */
function answerLlmSubtask(
	steps: CallSteps,
	run: Run,
	task: Subtask,
	dependencies: DependencyOutput[],
	inWave: boolean,
): Promise<SubtaskStepResult> {
	const ensemble = ensembleOf(run.options, task);
	if (!ensemble) return llmSubtaskStep(steps, run, task, dependencies, inWave);
	const ctx = { steps, run, task, dependencies };
	return ensemble.mode === "vote" ? runVote(ctx, ensemble) : runDebate(ctx, ensemble);
}

/** An "llm" subtask: the one step `subtask:<id>`, in which the small model answers. */
function llmSubtaskStep(
	steps: CallSteps,
	run: Run,
	task: Subtask,
	dependencies: DependencyOutput[],
	inWave: boolean,
): Promise<SubtaskStepResult> {
	const env = steps.env;
	return steps.callAndRecord(run, {
		name: STEP.subtask(task.id),
		config: stepConfig(run.config.subtask),
		announce: (ctx) => attemptStartedStatements(steps.db, run.id, task.id, ctx.attempt, now()),
		inWave,
		body: (ctx) =>
			withRetryEvent(env, run, task, { attempt: ctx.attempt }, async () => {
				const startedAt = now();
				const output = await runSubtask(
					{ models: run.models, harness: harnessOf(env) },
					{
						runId: run.id,
						request: run.prompt,
						subtask: task,
						dependencies,
						maxOutputChars: run.config.maxStepOutputChars,
						screenshot: run.options.screenshots,
						browseTimeoutMs: run.config.browseTimeoutMs,
					},
				);
				return { ...output, attempts: ctx.attempt, startedAt, finishedAt: now() };
			}),
		usage: (done) => done.usage,
		recordStep: STEP.recordSubtask(task.id),
		record: (done, spent) => recordSubtaskOutcome(steps.db, run.id, task.id, { status: "succeeded", ...done }, spent),
	});
}

/** What a subtask sees of the subtasks it depends on (all of which succeeded), each by its plan title. */
function dependenciesOf(plan: Plan, task: Subtask, succeeded: Map<string, SubtaskStepResult>): DependencyOutput[] {
	// A validated plan names only its own subtasks, so every dependency has a title.
	return task.dependsOn.map((id) => ({
		id,
		title: plan.subtasks.find((t) => t.id === id)!.title,
		output: succeeded.get(id)!.output,
	}));
}
