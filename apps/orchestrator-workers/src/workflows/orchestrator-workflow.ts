/**
 * The durable planner/executor. A run reads top to bottom in `run`:
 *
 *   (wait for the start time) -> plan (-> wait for approval) -> execute the waves -> synthesise
 *
 * each phase in a module of its own (start-time.ts, plan.ts, plan-approval.ts, execute.ts,
 * synthesise.ts). Every model or browser call is its own `step.do`, run through call-steps.ts, so a
 * failure retries only that call and a replay skips what already finished. Nothing outside a step has
 * side effects or depends on time.
 */
import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from "cloudflare:workers";
import { EMPTY_TIMINGS, type ResolvedRunOptions, type Synthesis } from "@ow/schemas";
import { readConfig } from "../config";
import { createModels } from "../models";
import { recordRunFinished } from "../registry/run-registry";
import { StepTracing } from "../telemetry/step-tracing";
import { CallSteps, recordStep } from "./call-steps";
import { engineAbortIn } from "./engine-abort";
import { executeWaves } from "./execute";
import { makePlan } from "./plan";
import { awaitPlanApproval } from "./plan-approval";
import { now, STEP, type Run } from "./run-context";
import { waitForStartTime } from "./start-time";
import { fromStepError } from "./step-policy";
import { synthesiseAnswer } from "./synthesise";
import { runStore } from "../registry/run-store";

/** The Workflow's params: what `POST /` resolved for the run. */
export interface OrchestratorWorkflowParams {
	runId: string;
	prompt: string;
	options: ResolvedRunOptions;
}

/** What a finished run returns (the instance's output); its usage is in the registry (GET /:id). */
export type OrchestratorWorkflowOutput = Synthesis;

export { STEP } from "./run-context";

export class OrchestratorWorkflow extends WorkflowEntrypoint<Env, OrchestratorWorkflowParams> {
	override async run(
		event: WorkflowEvent<OrchestratorWorkflowParams>,
		step: WorkflowStep,
	): Promise<OrchestratorWorkflowOutput> {
		const { runId, prompt, options } = event.payload;
		const timings = { ...EMPTY_TIMINGS }; // filled in as the phases finish
		let steps: CallSteps | undefined;
		try {
			// Reading the settings may fail (config-invalid); the run then ends errored like any other.
			const run: Run = {
				id: runId,
				prompt,
				options,
				step,
				timings,
				config: readConfig(this.env),
				models: createModels(this.env),
			};
			steps = new CallSteps(this.env, run);
			await waitForStartTime(run, event.timestamp);
			let plan = await makePlan(steps, run);
			if (options.approvePlan) plan = await awaitPlanApproval(steps, run, plan);
			const results = await executeWaves(steps, run, plan);
			const synthesis = await synthesiseAnswer(steps, run, results);
			await steps.tracing.endRun(runId, event.timestamp, { "run.status": "complete" });
			return synthesis;
		} catch (error) {
			const abort = engineAbortIn(error);
			if (abort) throw abort; // paused, not failed: see engine-abort.ts
			const info = fromStepError(error);
			const outcome = { status: "errored" as const, error: info, timings };
			await recordStep({ step }, STEP.recordErrored, () =>
				recordRunFinished(runStore(this.env, runId), runId, outcome, now()),
			);
			// Tracing must not hide the run's error: a bad OTEL_* setting is that error, so it is off here.
			if (info.code !== "config-invalid") {
				const tracing = steps?.tracing ?? new StepTracing(this.env);
				await tracing.endRun(runId, event.timestamp, { "run.status": "errored", "error.type": info.code });
			}
			// A plain Error: run() itself is never retried, and a NonRetryableError thrown here (outside a
			// step) reaches the instance's status with a generic message instead of ours.
			throw new Error(`[${info.code}] ${info.message}`, { cause: error });
		}
	}
}
