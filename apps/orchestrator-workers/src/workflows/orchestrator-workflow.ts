/**
 * The durable planner/executor: plan -> execute subtasks in dependency waves -> synthesise.
 *
 * Every model or browser call is its own `step.do`, so a failure retries only that call and a replay
 * skips what already finished. A step announces its work in the registry before the call (in the same
 * round trip as the cancel check) and records its outcome after it; a failed outcome write is redone
 * by a record step of its own, so it never makes a model call run again. Nothing outside a step has
 * side effects or depends on time.
 */
import { waitUntil, WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from "cloudflare:workers";
import type { DependencyOutput, SynthesisInput } from "@ow/prompts";
import { EMPTY_TIMINGS, type Plan, type ResolvedRunOptions, type Subtask, type Synthesis } from "@ow/schemas";
import { readConfig, RECORD_POLICY } from "../config";
import { logEvent } from "../log";
import { notifyProgress } from "../progress/notify";
import { openSynthesisRelay } from "../progress/synthesis-relay";
import { readGateAndAnnounce, type RunGate } from "../registry/lifecycle";
import { OrchestratorError } from "../errors";
import { harnessOf } from "../harness";
import { inBudgetScope } from "../budget/budget-gate";
import { planEstimateStatement } from "../budget/plan-estimate";
import { RunBudget, SKIPPED_FOR_BUDGET } from "../budget/run-budget";
import { readPriceTable } from "../metrics/cost";
import { createModels } from "../models";
import {
	type SubtaskOutcome,
	attemptStartedStatements,
	recordAttemptRetried,
	recordPlan,
	recordRunFinished,
	recordSubtaskOutcome,
	runStatusStatements,
} from "../registry/run-registry";
import { attemptStartStatement, recordAttemptEnd } from "../registry/step-attempts";
import { attemptUsageStatements, recordAttemptUsage } from "../registry/usage-ledger";
import { StepTracing } from "../telemetry/step-tracing";
import { withSpan } from "../telemetry/trace-context";
import { browserSubtaskSteps } from "./browser-subtask";
import { forEachLimit } from "./concurrency";
import { engineAbortIn } from "./engine-abort";
import {
	elapsedMs,
	now,
	readsPageFirst,
	STEP,
	type RecordedCall,
	type RecordSteps,
	type Run,
	type SubtaskSteps,
	type SubtaskStepResult,
} from "./run-context";
import { draftPlan, repairPlan, type PlanAttempt } from "./plan";
import { awaitPlanApproval } from "./plan-approval";
import { dependencyWaves } from "./plan-validation";
import { fromStepError, stepConfig, toStepError } from "./step-policy";
import { runAgenticSubtask } from "./agentic-subtask";
import { runSubtask } from "./subtasks";
import { streamSynthesis } from "./synthesise";

/** The Workflow's params: what `POST /` resolved for the run. */
export interface OrchestratorWorkflowParams {
	runId: string;
	prompt: string;
	options: ResolvedRunOptions;
}

/** Milliseconds from the instance's creation to the run's start time; 0 when that time had passed. */
export function delayOf(startAt: string, created: Date | number | string): number {
	return Math.max(0, Date.parse(startAt) - new Date(created).getTime());
}

/** What a finished run returns (the instance's output); its usage is in the registry (GET /:id). */
export type OrchestratorWorkflowOutput = Synthesis;

export { STEP } from "./run-context";

export class OrchestratorWorkflow
	extends WorkflowEntrypoint<Env, OrchestratorWorkflowParams>
	implements RecordSteps, SubtaskSteps
{
	override async run(
		event: WorkflowEvent<OrchestratorWorkflowParams>,
		step: WorkflowStep,
	): Promise<OrchestratorWorkflowOutput> {
		const { runId, prompt, options } = event.payload;
		const db = this.env.DB;
		const run: Partial<Run> & Pick<Run, "id" | "step" | "timings"> = {
			id: runId,
			step,
			timings: { ...EMPTY_TIMINGS }, // filled in as the phases finish
		};
		try {
			Object.assign(run, { prompt, options, config: readConfig(this.env), models: createModels(this.env) });
			this.stepTracing = new StepTracing(this.env);
			this.budget = new RunBudget(this, options, runId, readPriceTable(this.env));
			const ready = run as Run;
			// A delayed run sleeps durably first (status `scheduled`); the plan step's announce makes it
			// `running`. A cancel meanwhile terminates the instance, so no model is ever called. The duration
			// is counted from the instance's creation, so every replay asks for the same sleep and finds it
			// in the step cache: sleepUntil would ask for a shorter one each time (a new sleep), and the
			// local engine refuses a time already past, which is what a replay after a restart asks for.
			if (options.startAt) await step.sleep(STEP.startAt, delayOf(options.startAt, event.timestamp));
			let plan = await this.plan(ready);
			if (options.approvePlan) plan = await awaitPlanApproval(this, ready, plan);
			const results = await this.execute(ready, plan);
			const answer = await this.callAndRecord(ready, {
				name: STEP.synthesise,
				config: stepConfig(ready.config.synthesise),
				body: async () =>
					streamSynthesis(ready.models, { request: prompt, results }, await openSynthesisRelay(this.env, runId)),
				usage: (done) => done.usage,
				recordStep: STEP.recordComplete,
				record: (done, spent) => recordRunFinished(db, runId, completeOutcome(ready, done), now(), spent),
			});
			ready.timings = completeOutcome(ready, answer).timings;
			await this.tracing.endRun(runId, event.timestamp, { "run.status": "complete" });
			return answer.synthesis;
		} catch (error) {
			const abort = engineAbortIn(error);
			if (abort) throw abort; // paused, not failed: see engine-abort.ts
			const info = fromStepError(error);
			const outcome = { status: "errored" as const, error: info, timings: run.timings };
			await this.recordStep(run, STEP.recordErrored, () => recordRunFinished(db, runId, outcome, now()));
			// Tracing must not hide the run's error: a bad OTEL_* setting is that error, so it is off here.
			if (info.code !== "config-invalid") {
				await this.tracing.endRun(runId, event.timestamp, { "run.status": "errored", "error.type": info.code });
			}
			// A plain Error: run() itself is never retried, and a NonRetryableError thrown here (outside a
			// step) reaches the instance's status with a generic message instead of ours.
			throw new Error(`[${info.code}] ${info.message}`, { cause: error });
		}
	}

	get db(): D1Database {
		return this.env.DB;
	}

	private stepTracing: StepTracing | undefined;
	/** The run's budget: the gate's policy, and what to do when a call does not fit (budget/run-budget.ts). */
	private budget: RunBudget | undefined;

	/** Spans of the run's step attempts (off unless OTEL_EXPORTER_OTLP_ENDPOINT is set). */
	private get tracing(): StepTracing {
		return (this.stepTracing ??= new StepTracing(this.env));
	}

	/** A registry write as its own step, then a push to live progress clients. */
	async recordStep(run: Pick<Run, "id" | "step">, name: string, write: () => Promise<void>): Promise<void> {
		await run.step.do(name, stepConfig(RECORD_POLICY), async () => {
			await write();
			await notifyProgress(this.env, run.id);
		});
	}

	/**
	 * A step that calls a model or the browser, then records its outcome from inside the same step:
	 * one step per call instead of two. The write is best effort there; if it fails, a record step of
	 * its own redoes it after the step, so a failed write still never makes the call run again. What
	 * the attempt's model calls spent (`usage`) is added to the run's ledger in the same batch as the
	 * outcome, keyed by attempt, so the redone write counts nothing twice.
	 */
	async callAndRecord<T extends Rpc.Serializable<T>>(run: Run, step: RecordedCall<T>): Promise<T> {
		// A step refused by the budget under "ask" runs again once the budget is raised, as a new step
		// of the same name whose attempts number on from the refused one's (the usage ledger is keyed by them).
		const attemptsPerRound = (step.config.retries?.limit ?? 0) + 1;
		for (let round = 0; ; round++) {
			try {
				return await this.callAndRecordRound(run, step, round * attemptsPerRound);
			} catch (error) {
				if (!(await this.budget?.afterRefusal(run, error))) throw error;
			}
		}
	}

	private async callAndRecordRound<T extends Rpc.Serializable<T>>(
		run: Run,
		step: RecordedCall<T>,
		attemptOffset: number,
	): Promise<T> {
		const spent = (result: T, attempt: number) =>
			step.usage
				? attemptUsageStatements(
						this.env.DB,
						run.id,
						{ step: step.name, attempt, outcome: "succeeded", usage: step.usage(result), unknownCalls: 0 },
						now(),
					)
				: [];
		const { value, recorded, attempt } = await run.step.do(step.name, step.config, (stepCtx) => {
			const ctx = { ...stepCtx, attempt: stepCtx.attempt + attemptOffset };
			return this.runAttempt(
				run,
				{ name: step.name, attempt: ctx.attempt },
				async (gate) => {
					const result = await step.body(ctx);
					const write = () => step.record(result, spent(result, ctx.attempt));
					return {
						value: result,
						attempt: ctx.attempt,
						recorded: await this.recordInsideStep(run, write, gate.watched),
					};
				},
				step.announce?.(ctx),
			);
		});
		if (!recorded)
			await this.recordStep(run, step.recordStep, () => step.record(value as T, spent(value as T, attempt)));
		return value as T;
	}

	/** A registry write inside a step that already did paid work: a failure is logged, not thrown. */
	private async recordInsideStep(run: Pick<Run, "id">, write: () => Promise<void>, push: boolean): Promise<boolean> {
		try {
			await write();
		} catch (error) {
			logEvent(
				{ msg: "registry write failed; a record step will redo it", runId: run.id, error: String(error) },
				"warn",
			);
			return false;
		}
		if (push) await notifyProgress(this.env, run.id);
		return true;
	}

	/**
	 * The body of a step that calls a model or the browser: nothing starts after a cancel, and any
	 * failure becomes the error a step must throw (retryable or not). `announce` statements are written
	 * in the cancel check's round trip, and live clients (if any watch) hear of them while the call runs.
	 * A failed attempt's model calls still count: what they spent goes to the run's usage ledger.
	 */
	async runAttempt<T>(
		run: Pick<Run, "id">,
		step: { name: string; attempt: number },
		body: (gate: RunGate) => Promise<T>,
		announce: D1PreparedStatement[] = [],
	): Promise<T> {
		const started = Date.now();
		const db = this.env.DB;
		const traced = await this.tracing.startAttempt(run.id, step);
		const ended = (outcome: "succeeded" | "failed", errorCode?: string) =>
			// After the step, best effort: the timeline row is bookkeeping, never worth a step's time.
			waitUntil(
				recordAttemptEnd(db, run.id, step, { at: now(), outcome, errorCode }).catch((e: unknown) =>
					logEvent({ msg: "attempt record failed", runId: run.id, error: String(e) }, "warn"),
				),
			);
		let gate: RunGate | undefined;
		try {
			gate = await readGateAndAnnounce(db, run.id, [...announce, attemptStartStatement(db, run.id, step, now())]);
			if (gate.cancelled) throw new OrchestratorError("cancelled", "The run was cancelled.");
			const notified = announce.length > 0 && gate.watched ? notifyProgress(this.env, run.id) : undefined;
			const open = gate;
			const gated = () => inBudgetScope(this.budget?.policy ?? null, step, () => body(open));
			const result = traced ? await withSpan(traced.trace, traced.span, gated) : await gated();
			await notified;
			logEvent({ msg: "step", runId: run.id, step: step.name, durationMs: Date.now() - started, outcome: "ok" });
			ended("succeeded");
			return result;
		} catch (error) {
			const failure = OrchestratorError.fromUnknown(error);
			const outcome = failure.recoverable ? "retry" : "failed";
			logEvent(
				{ msg: "step", runId: run.id, step: step.name, durationMs: Date.now() - started, outcome, code: failure.code },
				"warn",
			);
			traced?.span.fail(failure.code, failure.message);
			ended("failed", failure.code);
			if (failure.spent) {
				const spent = { step: step.name, attempt: step.attempt, outcome: "failed" as const, ...failure.spent };
				// Best effort: the step's retry must not wait on bookkeeping, and a lost row only under-counts.
				await recordAttemptUsage(db, run.id, spent, now())
					.then(() => (gate?.watched ? notifyProgress(this.env, run.id) : undefined))
					.catch((e: unknown) => logEvent({ msg: "usage write failed", runId: run.id, error: String(e) }, "error"));
			}
			throw toStepError(failure);
		} finally {
			if (traced) {
				traced.span.end();
				this.tracing.flush(traced.trace);
			}
		}
	}

	/** The big model drafts a plan; an invalid one gets exactly one repair attempt. */
	private async plan(run: Run): Promise<Plan> {
		const input = { prompt: run.prompt, maxSubtasks: run.options.maxSubtasks, allowBrowser: run.options.allowBrowser };
		const config = stepConfig(run.config.plan);
		// A valid plan is recorded by the step that made it; an invalid one by nobody (repair follows).
		const record = (made: PlanAttempt, repaired: boolean, spent: D1PreparedStatement[]) => async () => {
			if (made.check.ok) {
				const info = { clampedFrom: made.check.clampedFrom, repaired };
				const estimate = planEstimateStatement(this.env, run, made.check.plan, made.usage);
				await recordPlan(this.env.DB, run.id, made.check.plan, info, now(), [...spent, estimate]);
			} else if (spent.length > 0) {
				await this.env.DB.batch(spent); // an invalid plan still cost its tokens
			}
		};
		const draft = await this.callAndRecord(run, {
			name: STEP.plan,
			config,
			// The run is running from the moment its first step starts.
			announce: () => runStatusStatements(this.env.DB, run.id, "running", now()),
			body: () => draftPlan(run.models, input),
			usage: (made) => made.usage,
			recordStep: STEP.recordPlan,
			record: (made, spent) => record(made, false, spent)(),
		});
		let final = draft;
		if (!draft.check.ok) {
			final = await this.callAndRecord(run, {
				name: STEP.repairPlan,
				config,
				body: () => repairPlan(run.models, input, draft),
				usage: (made) => made.usage,
				recordStep: STEP.recordPlan,
				record: (made, spent) => record(made, true, spent)(),
			});
		}
		run.timings.planMs = elapsedMs(draft.startedAt, final.finishedAt);
		if (!final.check.ok) {
			throw new OrchestratorError(
				"plan-invalid",
				`The model's plan was still invalid after one repair attempt: ${final.check.problems.join("; ")}`,
			);
		}
		return final.check.plan;
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
				results.set(task.id, await this.executeOne(run, plan, task, done));
			});
			const failed = wave.filter((t) => results.get(t.id)?.status === "failed");
			if (run.options.failurePolicy === "failFast" && failed.length > 0) {
				const names = failed.map((t) => `"${t.id}"`).join(", ");
				throw new OrchestratorError("subtask-failed", `Subtask ${names} failed and the run's policy is failFast.`);
			}
		}
		if (this.budget?.stopped) {
			throw new OrchestratorError("budget-exceeded", "The run's budget ran out; it kept the results it had.");
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

	private async executeOne(
		run: Run,
		plan: Plan,
		task: Subtask,
		done: Map<string, SubtaskStepResult>,
	): Promise<SynthesisInput> {
		const record = (outcome: SubtaskOutcome) =>
			this.recordStep(run, STEP.recordSubtask(task.id), () =>
				recordSubtaskOutcome(this.env.DB, run.id, task.id, outcome),
			);
		if (this.budget?.stopped) {
			await record({ status: "skipped", reason: SKIPPED_FOR_BUDGET, finishedAt: now() });
			return { id: task.id, title: task.title, status: "skipped", reason: SKIPPED_FOR_BUDGET };
		}
		const missing = task.dependsOn.filter((d) => !done.has(d));
		if (missing.length > 0) {
			const reason = `dependency ${missing.map((d) => `"${d}"`).join(", ")} did not succeed`;
			await record({ status: "skipped", reason, finishedAt: now() });
			return { id: task.id, title: task.title, status: "skipped", reason };
		}
		const dependencies = dependenciesOf(plan, task, done);
		const agentic = task.executor === "browser" && task.agentic === true;
		let result: SubtaskStepResult;
		try {
			result = agentic
				? await runAgenticSubtask(this, run, task, {
						harness: harnessOf(this.env),
						notify: () => notifyProgress(this.env, run.id),
					})
				: readsPageFirst(task)
					? await browserSubtaskSteps(this, { pages: this.env.PAGES, harness: harnessOf(this.env) }, run, task, {
							dependencies,
						})
					: await this.callAndRecord(run, {
							name: STEP.subtask(task.id),
							config: stepConfig(run.config.subtask),
							announce: (ctx) => attemptStartedStatements(this.env.DB, run.id, task.id, ctx.attempt, now()),
							body: (ctx) =>
								this.withRetryEvent(run, task, { attempt: ctx.attempt }, () =>
									this.oneStepSubtask(run, task, dependencies, ctx.attempt),
								),
							usage: (succeeded) => succeeded.usage,
							recordStep: STEP.recordSubtask(task.id),
							record: (succeeded, spent) =>
								recordSubtaskOutcome(this.env.DB, run.id, task.id, { status: "succeeded", ...succeeded }, spent),
						});
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
		done.set(task.id, result);
		return {
			id: task.id,
			title: task.title,
			status: "succeeded",
			output: result.output,
			sourceUrl: result.source?.url ?? null,
		};
	}

	/** An "llm" subtask: one step. */
	private async oneStepSubtask(
		run: Run,
		task: Subtask,
		dependencies: DependencyOutput[],
		attempt: number,
	): Promise<SubtaskStepResult> {
		const startedAt = now();
		const output = await runSubtask(
			{ models: run.models, harness: harnessOf(this.env) },
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
		return { ...output, attempts: attempt, startedAt, finishedAt: now() };
	}

	/**
	 * One attempt of one of a subtask's steps: a failure that will be retried is told to live clients
	 * (`subtask.retried`, naming the step when the subtask has more than one).
	 */
	async withRetryEvent<T>(
		run: Run,
		task: Subtask,
		at: { attempt: number; step?: string },
		body: () => Promise<T>,
	): Promise<T> {
		try {
			return await body();
		} catch (error) {
			const failure = OrchestratorError.fromUnknown(error);
			if (failure.recoverable && at.attempt <= run.config.subtask.retryLimit) {
				// Progress only: the retry happens whether or not this event is written.
				const info = { code: failure.code, message: failure.message };
				await recordAttemptRetried(this.env.DB, run.id, task.id, at.attempt, info, now(), at.step).catch((e: unknown) =>
					logEvent({ msg: "event write failed", runId: run.id, error: String(e) }, "error"),
				);
				await notifyProgress(this.env, run.id);
			}
			throw failure;
		}
	}
}

/** What a subtask sees of the subtasks it depends on (all of which succeeded), each by its plan title. */
function dependenciesOf(plan: Plan, task: Subtask, done: Map<string, SubtaskStepResult>): DependencyOutput[] {
	// A validated plan names only its own subtasks, so every dependency has a title.
	return task.dependsOn.map((id) => ({
		id,
		title: plan.subtasks.find((t) => t.id === id)!.title,
		output: done.get(id)!.output,
	}));
}

/** How a run that synthesised its answer ends; pure, so the step and the Workflow compute the same. */
function completeOutcome(run: Run, answer: Awaited<ReturnType<typeof streamSynthesis>>) {
	return {
		status: "complete" as const,
		result: answer.synthesis,
		timings: { ...run.timings, synthesiseMs: elapsedMs(answer.startedAt, answer.finishedAt) },
	};
}
