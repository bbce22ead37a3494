/**
 * The durable planner/executor: plan -> execute subtasks in dependency waves -> synthesise.
 *
 * Every model or browser call is its own `step.do`, so a failure retries only that call and a replay
 * skips what already finished. Registry writes are separate steps too: a failed write never makes a
 * model call run again. Nothing outside a step has side effects or depends on time.
 */
import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from "cloudflare:workers";
import type { SynthesisInput } from "@ow/prompts";
import {
	EMPTY_TIMINGS,
	EMPTY_USAGE,
	type AgentStep,
	type Plan,
	type ResolvedRunOptions,
	type Subtask,
	type Usage,
} from "@ow/schemas";
import { readConfig, RECORD_POLICY } from "../config";
import { logEvent } from "../log";
import { notifyProgress } from "../progress/notify";
import { isCancelRequested } from "../registry/lifecycle";
import { OrchestratorError } from "../errors";
import { harnessOf } from "../harness";
import { createModels } from "../models";
import {
	type SubtaskOutcome,
	markRunStatus,
	recordAgentStep,
	recordAttemptRetried,
	recordAttemptStarted,
	recordPlan,
	recordRunFinished,
	recordSubtaskOutcome,
} from "../registry/run-registry";
import { forEachLimit } from "./concurrency";
import { elapsedMs, now, runUsage, spend, STEP, type Recorder, type Run, type SubtaskStepResult } from "./run-context";
import { draftPlan, repairPlan } from "./plan";
import { awaitPlanApproval } from "./plan-approval";
import { dependencyWaves } from "./plan-validation";
import { fromStepError, stepConfig, toStepError } from "./step-policy";
import { runSubtask } from "./subtasks";
import { synthesise } from "./synthesise";

/** The Workflow's params: what `POST /` resolved for the run. */
export interface OrchestratorWorkflowParams {
	runId: string;
	prompt: string;
	options: ResolvedRunOptions;
}

/** What a finished run returns (the instance's output). */
export interface OrchestratorWorkflowOutput {
	answer: string;
	references: { subtaskId: string | null; url: string | null }[];
	usage: Usage;
}

export { STEP } from "./run-context";

export class OrchestratorWorkflow extends WorkflowEntrypoint<Env, OrchestratorWorkflowParams> implements Recorder {
	override async run(
		event: WorkflowEvent<OrchestratorWorkflowParams>,
		step: WorkflowStep,
	): Promise<OrchestratorWorkflowOutput> {
		const { runId, prompt, options } = event.payload;
		const db = this.env.DB;
		const run: Partial<Run> & Pick<Run, "id" | "step" | "usage" | "usageByStep" | "timings"> = {
			id: runId,
			step,
			usage: EMPTY_USAGE,
			usageByStep: {},
			timings: { ...EMPTY_TIMINGS }, // filled in as the phases finish
		};
		try {
			Object.assign(run, { prompt, options, config: readConfig(this.env), models: createModels(this.env) });
			const ready = run as Run;
			await this.record(ready, STEP.start, () => markRunStatus(db, runId, "running", now()));
			let plan = await this.plan(ready);
			if (options.approvePlan) plan = await awaitPlanApproval(this, ready, plan);
			const results = await this.execute(ready, plan);
			const answer = await step.do(STEP.synthesise, stepConfig(ready.config.synthesise), () =>
				this.work(ready, STEP.synthesise, () => synthesise(ready.models, { request: prompt, results })),
			);
			spend(ready, STEP.synthesise, answer.usage);
			ready.timings.synthesiseMs = elapsedMs(answer.startedAt, answer.finishedAt);
			const outcome = {
				status: "complete" as const,
				result: answer.synthesis,
				usage: runUsage(ready),
				timings: ready.timings,
			};
			await this.record(ready, STEP.complete, () => recordRunFinished(db, runId, outcome, now()));
			return { ...answer.synthesis, usage: runUsage(ready) };
		} catch (error) {
			const info = fromStepError(error);
			const outcome = { status: "errored" as const, error: info, usage: runUsage(run), timings: run.timings };
			await this.record(run, STEP.errored, () => recordRunFinished(db, runId, outcome, now()));
			// A plain Error: run() itself is never retried, and a NonRetryableError thrown here (outside a
			// step) reaches the instance's status with a generic message instead of ours.
			throw new Error(`[${info.code}] ${info.message}`, { cause: error });
		}
	}

	get db(): D1Database {
		return this.env.DB;
	}

	/** A registry write as its own step, then a push to live progress clients. */
	async record(run: Pick<Run, "id" | "step">, name: string, write: () => Promise<void>): Promise<void> {
		await run.step.do(name, stepConfig(RECORD_POLICY), async () => {
			await write();
			await notifyProgress(this.env, run.id);
		});
	}

	/**
	 * The body of a step that calls a model or the browser: nothing starts after a cancel, and any
	 * failure becomes the error a step must throw (retryable or not).
	 */
	async work<T>(run: Pick<Run, "id">, step: string, body: () => Promise<T>): Promise<T> {
		const started = Date.now();
		try {
			if (await isCancelRequested(this.env.DB, run.id)) {
				throw new OrchestratorError("cancelled", "The run was cancelled.");
			}
			const result = await body();
			logEvent({ msg: "step", runId: run.id, step, durationMs: Date.now() - started, outcome: "ok" });
			return result;
		} catch (error) {
			const failure = OrchestratorError.fromUnknown(error);
			const outcome = failure.recoverable ? "retry" : "failed";
			logEvent(
				{ msg: "step", runId: run.id, step, durationMs: Date.now() - started, outcome, code: failure.code },
				"warn",
			);
			throw toStepError(failure);
		}
	}

	/** The big model drafts a plan; an invalid one gets exactly one repair attempt. */
	private async plan(run: Run): Promise<Plan> {
		const input = { prompt: run.prompt, maxSubtasks: run.options.maxSubtasks, allowBrowser: run.options.allowBrowser };
		const policy = stepConfig(run.config.plan);
		const draft = await run.step.do(STEP.plan, policy, () =>
			this.work(run, STEP.plan, () => draftPlan(run.models, input)),
		);
		spend(run, STEP.plan, draft.usage);
		let final = draft;
		if (!draft.check.ok) {
			final = await run.step.do(STEP.repairPlan, policy, () =>
				this.work(run, STEP.repairPlan, () => repairPlan(run.models, input, draft)),
			);
			spend(run, STEP.repairPlan, final.usage);
		}
		run.timings.planMs = elapsedMs(draft.startedAt, final.finishedAt);
		if (!final.check.ok) {
			throw new OrchestratorError(
				"plan-invalid",
				`The model's plan was still invalid after one repair attempt: ${final.check.problems.join("; ")}`,
			);
		}
		const { plan, clampedFrom } = final.check;
		const info = { clampedFrom, repaired: final !== draft };
		await this.record(run, STEP.recordPlan, () => recordPlan(this.env.DB, run.id, plan, info, now()));
		return plan;
	}

	/**
	 * Runs the subtasks wave by wave; inside a wave at most `maxParallel` at once, one step each. A
	 * subtask whose dependency did not succeed is skipped.
	 */
	private async execute(run: Run, plan: Plan): Promise<SynthesisInput[]> {
		const done = new Map<string, SubtaskStepResult>();
		const results = new Map<string, SynthesisInput>();
		for (const wave of dependencyWaves(plan.subtasks)) {
			await forEachLimit(wave, run.config.maxParallel, async (task) => {
				results.set(task.id, await this.executeOne(run, task, done));
			});
			const failed = wave.filter((t) => results.get(t.id)?.status === "failed");
			if (run.options.failurePolicy === "failFast" && failed.length > 0) {
				const names = failed.map((t) => `"${t.id}"`).join(", ");
				throw new OrchestratorError("subtask-failed", `Subtask ${names} failed and the run's policy is failFast.`);
			}
		}
		const finished = [...done.values()];
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

	private async executeOne(run: Run, task: Subtask, done: Map<string, SubtaskStepResult>): Promise<SynthesisInput> {
		const record = (outcome: SubtaskOutcome) =>
			this.record(run, STEP.recordSubtask(task.id), () => recordSubtaskOutcome(this.env.DB, run.id, task.id, outcome));
		const missing = task.dependsOn.filter((d) => !done.has(d));
		if (missing.length > 0) {
			const reason = `dependency ${missing.map((d) => `"${d}"`).join(", ")} did not succeed`;
			await record({ status: "skipped", reason, finishedAt: now() });
			return { id: task.id, title: task.title, status: "skipped", reason };
		}
		let result: SubtaskStepResult;
		try {
			result = await run.step.do(STEP.subtask(task.id), stepConfig(run.config.subtask), (ctx) =>
				this.work(run, STEP.subtask(task.id), () => this.subtaskAttempt(run, task, done, ctx.attempt)),
			);
		} catch (error) {
			const info = fromStepError(error);
			// attempts 0: each attempt already counted itself when it started.
			await record({ status: "failed", error: info, attempts: 0, finishedAt: now() });
			return { id: task.id, title: task.title, status: "failed", error: info };
		}
		done.set(task.id, result);
		spend(run, STEP.subtask(task.id), result.usage);
		await record({ status: "succeeded", ...result });
		return {
			id: task.id,
			title: task.title,
			status: "succeeded",
			output: result.output,
			sourceUrl: result.source?.url ?? null,
		};
	}

	/** One attempt of a subtask step. */
	private async subtaskAttempt(
		run: Run,
		task: Subtask,
		done: Map<string, SubtaskStepResult>,
		attempt: number,
	): Promise<SubtaskStepResult> {
		const db = this.env.DB;
		const startedAt = now();
		await recordAttemptStarted(db, run.id, task.id, attempt, startedAt);
		await notifyProgress(this.env, run.id);
		const dependencies = task.dependsOn.map((id) => ({ id, title: id, output: done.get(id)!.output }));
		try {
			// Progress only: a failed write must not fail the attempt (the actions are in the result too).
			const onAgentStep = (step: AgentStep & { maxIterations: number }) =>
				recordAgentStep(db, run.id, task.id, attempt, step, now())
					.then(() => notifyProgress(this.env, run.id))
					.catch((e: unknown) => logEvent({ msg: "progress write failed", runId: run.id, error: String(e) }, "error"));
			const output = await runSubtask(
				{ models: run.models, harness: harnessOf(this.env), onAgentStep },
				{
					runId: run.id,
					request: run.prompt,
					subtask: task,
					dependencies,
					maxOutputChars: run.config.maxStepOutputChars,
					screenshot: run.options.screenshots,
					maxIterations: run.config.agentMaxIterations,
				},
			);
			return { ...output, attempts: attempt, startedAt, finishedAt: now() };
		} catch (error) {
			const failure = OrchestratorError.fromUnknown(error);
			if (failure.recoverable && attempt <= run.config.subtask.retryLimit) {
				// Progress only: the retry happens whether or not this event is written.
				const info = { code: failure.code, message: failure.message };
				await recordAttemptRetried(db, run.id, task.id, attempt, info, now()).catch((e: unknown) =>
					logEvent({ msg: "event write failed", runId: run.id, error: String(e) }, "error"),
				);
				await notifyProgress(this.env, run.id);
			}
			throw failure;
		}
	}
}
