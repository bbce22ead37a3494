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
	addUsage,
	EMPTY_USAGE,
	type Plan,
	type ResolvedRunOptions,
	type Subtask,
	type SubtaskOutput,
	type Timings,
	type Usage,
} from "@ow/schemas";
import { readConfig, RECORD_POLICY, type OrchestratorConfig } from "../config";
import { OrchestratorError } from "../errors";
import { createModels, type Models } from "../models";
import {
	markRunStatus,
	recordAttemptRetried,
	recordAttemptStarted,
	recordPlan,
	recordRunFinished,
	recordSubtaskOutcome,
} from "../registry/run-registry";
import { forEachLimit } from "./concurrency";
import { draftPlan, repairPlan } from "./plan";
import { dependencyWaves } from "./plan-validation";
import { fromStepError, stepConfig, toStepError } from "./step-policy";
import { runSubtask, type BrowserHarnessBinding } from "./subtasks";
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

/** Step names. Replay matches steps by name, so these never change between runs of the same plan. */
export const STEP = {
	start: "record:start",
	plan: "plan",
	repairPlan: "plan:repair",
	recordPlan: "record:plan",
	subtask: (id: string) => `subtask:${id}`,
	recordSubtask: (id: string) => `record:subtask:${id}`,
	synthesise: "synthesise",
	complete: "record:complete",
	errored: "record:errored",
} as const;

type SubtaskStepResult = SubtaskOutput & { attempts: number; startedAt: string; finishedAt: string };

/** Everything a run's steps share. Built from the event and env only, so replays build the same. */
interface Run {
	id: string;
	prompt: string;
	options: ResolvedRunOptions;
	config: OrchestratorConfig;
	models: Models;
	step: WorkflowStep;
	usage: Usage;
	timings: Timings;
}

const now = () => new Date().toISOString();
const elapsedMs = (from: string, to: string) => Date.parse(to) - Date.parse(from);

export class OrchestratorWorkflow extends WorkflowEntrypoint<Env, OrchestratorWorkflowParams> {
	override async run(
		event: WorkflowEvent<OrchestratorWorkflowParams>,
		step: WorkflowStep,
	): Promise<OrchestratorWorkflowOutput> {
		const { runId, prompt, options } = event.payload;
		const db = this.env.DB;
		const run: Partial<Run> & { usage: Usage; timings: Timings } = {
			usage: EMPTY_USAGE,
			timings: { planMs: null, executeMs: null, synthesiseMs: null },
		};
		try {
			Object.assign(run, {
				id: runId,
				prompt,
				options,
				step,
				config: readConfig(this.env),
				models: createModels(this.env),
			});
			const ready = run as Run;
			await step.do(STEP.start, stepConfig(RECORD_POLICY), () => markRunStatus(db, runId, "running", now()));
			const plan = await this.plan(ready);
			const results = await this.execute(ready, plan);
			const answer = await step.do(STEP.synthesise, stepConfig(ready.config.synthesise), () =>
				guard(() => synthesise(ready.models, { request: prompt, results })),
			);
			ready.usage = addUsage(ready.usage, answer.usage);
			ready.timings.synthesiseMs = elapsedMs(answer.startedAt, answer.finishedAt);
			const outcome = {
				status: "complete" as const,
				result: answer.synthesis,
				usage: ready.usage,
				timings: ready.timings,
			};
			await step.do(STEP.complete, stepConfig(RECORD_POLICY), () => recordRunFinished(db, runId, outcome, now()));
			return { ...answer.synthesis, usage: ready.usage };
		} catch (error) {
			const info = fromStepError(error);
			const outcome = { status: "errored" as const, error: info, usage: run.usage, timings: run.timings };
			await step.do(STEP.errored, stepConfig(RECORD_POLICY), () => recordRunFinished(db, runId, outcome, now()));
			// A plain Error: run() itself is never retried, and a NonRetryableError thrown here (outside a
			// step) reaches the instance's status with a generic message instead of ours.
			throw new Error(`[${info.code}] ${info.message}`, { cause: error });
		}
	}

	/** The big model drafts a plan; an invalid one gets exactly one repair attempt. */
	private async plan(run: Run): Promise<Plan> {
		const input = { prompt: run.prompt, maxSubtasks: run.options.maxSubtasks, allowBrowser: run.options.allowBrowser };
		const policy = stepConfig(run.config.plan);
		const draft = await run.step.do(STEP.plan, policy, () => guard(() => draftPlan(run.models, input)));
		run.usage = addUsage(run.usage, draft.usage);
		let final = draft;
		if (!draft.check.ok) {
			final = await run.step.do(STEP.repairPlan, policy, () => guard(() => repairPlan(run.models, input, draft)));
			run.usage = addUsage(run.usage, final.usage);
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
		await run.step.do(STEP.recordPlan, stepConfig(RECORD_POLICY), () =>
			recordPlan(this.env.DB, run.id, plan, info, now()),
		);
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
				throw new OrchestratorError(
					"subtask-failed",
					`Subtask ${failed.map((t) => `"${t.id}"`).join(", ")} failed and the run's policy is failFast.`,
				);
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
		const db = this.env.DB;
		const record = (outcome: Parameters<typeof recordSubtaskOutcome>[3]) =>
			run.step.do(STEP.recordSubtask(task.id), stepConfig(RECORD_POLICY), () =>
				recordSubtaskOutcome(db, run.id, task.id, outcome),
			);
		const missing = task.dependsOn.filter((d) => !done.has(d));
		if (missing.length > 0) {
			const reason = `dependency ${missing.map((d) => `"${d}"`).join(", ")} did not succeed`;
			await record({ status: "skipped", reason, finishedAt: now() });
			return { id: task.id, title: task.title, status: "skipped", reason };
		}
		let result: SubtaskStepResult;
		try {
			result = await run.step.do(STEP.subtask(task.id), stepConfig(run.config.subtask), (ctx) =>
				this.subtaskAttempt(run, task, done, ctx.attempt),
			);
		} catch (error) {
			const info = fromStepError(error);
			// attempts 0: each attempt already counted itself when it started.
			await record({ status: "failed", error: info, attempts: 0, finishedAt: now() });
			return { id: task.id, title: task.title, status: "failed", error: info };
		}
		done.set(task.id, result);
		run.usage = addUsage(run.usage, result.usage);
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
		const dependencies = task.dependsOn.map((id) => ({ id, title: id, output: done.get(id)!.output }));
		try {
			const output = await runSubtask(
				{ models: run.models, harness: this.env.BROWSER_HARNESS as unknown as BrowserHarnessBinding },
				{
					runId: run.id,
					request: run.prompt,
					subtask: task,
					dependencies,
					maxOutputChars: run.config.maxStepOutputChars,
				},
			);
			return { ...output, attempts: attempt, startedAt, finishedAt: now() };
		} catch (error) {
			const failure = OrchestratorError.fromUnknown(error);
			if (failure.recoverable && attempt <= run.config.subtask.retryLimit) {
				// Progress only: the retry happens whether or not this event is written.
				await recordAttemptRetried(
					db,
					run.id,
					task.id,
					attempt,
					{ code: failure.code, message: failure.message },
					now(),
				).catch((e: unknown) =>
					console.error(JSON.stringify({ msg: "event write failed", runId: run.id, error: String(e) })),
				);
			}
			throw toStepError(failure);
		}
	}
}

/** Runs a step body, turning any failure into the error a step must throw (retryable or not). */
async function guard<T>(body: () => Promise<T>): Promise<T> {
	try {
		return await body();
	} catch (error) {
		throw toStepError(OrchestratorError.fromUnknown(error));
	}
}
