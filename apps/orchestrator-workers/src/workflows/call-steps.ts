/**
 * Call steps: the `step.do`s that call a model or the browser, and everything around one attempt of
 * them. Every phase of the Workflow runs its calls through here, so the durable-execution rules live
 * in one place:
 *
 * - nothing starts after a cancel: an attempt's first round trip reads the run's gate (and claims the
 *   run for this engine, and writes the rows announcing the attempt) before the call;
 * - each attempt is a timeline row, a trace span and a log line, and runs inside the run's budget scope;
 * - a failed attempt's model calls still count in the usage ledger;
 * - the outcome is recorded from inside the step that made the call (one step per call); if that write
 *   fails, a `record:*` step of its own redoes it, so a failed write never makes the call run again;
 * - a call refused by the budget under "ask" runs again, as a new step of the same name, once raised.
 */
import { waitUntil, type WorkflowStepConfig, type WorkflowStepContext } from "cloudflare:workers";
import type { Usage } from "@ow/schemas";
import { RECORD_POLICY } from "../config";
import { OrchestratorError } from "../errors";
import { logEvent } from "../log";
import { inBudgetScope } from "../budget/budget-gate";
import { RunBudget } from "../budget/run-budget";
import { readPriceTable } from "../metrics/cost";
import { readGateAndAnnounce, type RunGate } from "../registry/lifecycle";
import { attemptEndStatement, attemptStartStatement, recordAttemptEnd } from "../registry/step-attempts";
import { attemptUsageStatements, recordAttemptUsage } from "../registry/usage-ledger";
import { groupCommit } from "../registry/group-commit";
import type { JoinOptions } from "../registry/joined-calls";
import { joinedGate } from "../registry/joined-gate";
import { StepTracing } from "../telemetry/step-tracing";
import { withSpan } from "../telemetry/trace-context";
import { now, type RecordSteps, type Run } from "./run-context";
import { stepConfig, toStepError } from "./step-policy";
import { runStore } from "../registry/run-store";

/** A call step that records its outcome (see `CallSteps.callAndRecord`). */
export interface RecordedCall<T> {
	name: string;
	config: WorkflowStepConfig;
	/** The call itself; runs inside `runAttempt`. */
	body: (ctx: WorkflowStepContext) => Promise<T>;
	/** Writes that announce the call (e.g. an attempt began), made before it with the cancel check. */
	announce?: (ctx: WorkflowStepContext) => D1PreparedStatement[];
	/** One of a wave's parallel steps: its cancel check waits for its siblings' (see `JoinOptions`). */
	inWave?: boolean;
	/** What the attempt's model calls spent; none for a step without model calls. */
	usage?: (result: T) => Usage;
	/** The `record:*` step that redoes `record` when the write inside the call step failed. */
	recordStep: string;
	/**
	 * Writes the outcome; `spent` must join the same batch: the usage statements and, inside the step,
	 * the attempt's end (so a successful call step makes two registry round trips, not three).
	 */
	record: (result: T, spent: D1PreparedStatement[]) => Promise<void>;
}

/** The step and attempt an attempt belongs to: its timeline row, span and budget key. */
export interface AttemptOf {
	name: string;
	attempt: number;
}

/** The end of a successful attempt, for a body that writes its outcome to join to the same batch. */
export interface SuccessfulEnd {
	statement: () => D1PreparedStatement;
	/** Set by the body once that batch is written: the end then needs no write of its own. */
	recorded: boolean;
}

/** A registry write as a `record:*` step of its own. */
export async function recordStep(run: Pick<Run, "step">, name: string, write: () => Promise<void>): Promise<void> {
	await run.step.do(name, stepConfig(RECORD_POLICY), write);
}

/** The call steps of one run, with its tracing and its budget. */
export class CallSteps implements RecordSteps {
	/** Spans of the run's step attempts (off unless OTEL_EXPORTER_OTLP_ENDPOINT is set). */
	readonly tracing: StepTracing;
	/** The run's budget: the gate's policy, and what to do when a call does not fit (budget/run-budget.ts). */
	readonly budget: RunBudget;

	/**
	 * The run's store (registry/run-store.ts), its batches joined across the run's parallel steps
	 * (registry/group-commit.ts).
	 */
	readonly db: D1Database;
	/** The run's cancel check, joined across its parallel steps (registry/joined-gate.ts). */
	readonly #gate: (announce: D1PreparedStatement[], options?: JoinOptions) => Promise<RunGate>;
	readonly #runId: string;

	/** Throws `config-invalid` for a bad OTEL_* or price setting. */
	constructor(
		readonly env: Env,
		run: Pick<Run, "id" | "options">,
	) {
		this.db = groupCommit(runStore(env, run.id));
		this.#runId = run.id;
		this.#gate = joinedGate(this.db, run.id);
		this.tracing = new StepTracing(env);
		this.budget = new RunBudget(this, run.options, run.id, readPriceTable(env));
	}

	recordStep(run: Pick<Run, "id" | "step">, name: string, write: () => Promise<void>): Promise<void> {
		return recordStep(run, name, write);
	}

	/**
	 * A call step that records its outcome from inside the same step. What the attempt's model calls
	 * spent (`usage`) joins the run's ledger in the same batch as the outcome, keyed by attempt, so a
	 * redone write counts nothing twice.
	 */
	async callAndRecord<T extends Rpc.Serializable<T>>(run: Run, call: RecordedCall<T>): Promise<T> {
		// A step refused by the budget under "ask" runs again once the budget is raised, as a new step
		// of the same name whose attempts number on from the refused one's (the usage ledger is keyed by them).
		const attemptsPerRound = (call.config.retries?.limit ?? 0) + 1;
		for (let round = 0; ; round++) {
			try {
				return await this.callAndRecordRound(run, call, round * attemptsPerRound);
			} catch (error) {
				if (!(await this.budget.afterRefusal(run, error))) throw error;
			}
		}
	}

	/** One `step.do` of a recorded call, its attempts numbered from `attemptOffset`. */
	private async callAndRecordRound<T extends Rpc.Serializable<T>>(
		run: Run,
		call: RecordedCall<T>,
		attemptOffset: number,
	): Promise<T> {
		const spent = (result: T, attempt: number) =>
			call.usage
				? attemptUsageStatements(
						this.db,
						run.id,
						{ step: call.name, attempt, outcome: "succeeded", usage: call.usage(result), unknownCalls: 0 },
						now(),
					)
				: [];
		const { value, recorded, attempt } = await run.step.do(call.name, call.config, (stepCtx) => {
			const ctx = { ...stepCtx, attempt: stepCtx.attempt + attemptOffset };
			return this.runAttempt(
				run,
				{ name: call.name, attempt: ctx.attempt },
				async (end) => {
					const result = await call.body(ctx);
					const write = () => call.record(result, [...spent(result, ctx.attempt), end.statement()]);
					end.recorded = await this.recordInsideStep(run, write);
					return { value: result, attempt: ctx.attempt, recorded: end.recorded };
				},
				call.announce?.(ctx),
				{ waitForOthers: call.inWave },
			);
		});
		if (!recorded)
			await this.recordStep(run, call.recordStep, () => call.record(value as T, spent(value as T, attempt)));
		return value as T;
	}

	/** A registry write inside a step that already did paid work: a failure is logged, not thrown. */
	private async recordInsideStep(run: Pick<Run, "id">, write: () => Promise<void>): Promise<boolean> {
		try {
			await write();
		} catch (error) {
			logEvent(
				{ msg: "registry write failed; a record step will redo it", runId: run.id, error: String(error) },
				"warn",
			);
			return false;
		}
		return true;
	}

	/**
	 * One attempt of a call step, run as that step's body: nothing starts after a cancel, and any
	 * failure becomes the error a step must throw (retryable or not). `announce` statements are written
	 * in the cancel check's round trip, and live clients (if any watch) hear of them while the call runs.
	 * A failed attempt's model calls still count: what they spent goes to the run's usage ledger.
	 */
	async runAttempt<T>(
		run: Pick<Run, "id">,
		step: AttemptOf,
		body: (end: SuccessfulEnd) => Promise<T>,
		announce: D1PreparedStatement[] = [],
		join: JoinOptions = {},
	): Promise<T> {
		const started = Date.now();
		const db = this.db;
		const end: SuccessfulEnd = {
			statement: () => attemptEndStatement(db, run.id, step, { at: now(), outcome: "succeeded" }),
			recorded: false,
		};
		const traced = await this.tracing.startAttempt(run.id, step);
		const ended = (outcome: "succeeded" | "failed", errorCode?: string) =>
			// After the step, best effort: the timeline row is bookkeeping, never worth a step's time.
			waitUntil(
				recordAttemptEnd(db, run.id, step, { at: now(), outcome, errorCode }).catch((e: unknown) =>
					logEvent({ msg: "attempt record failed", runId: run.id, error: String(e) }, "warn"),
				),
			);
		try {
			const announcing = [...announce, attemptStartStatement(db, run.id, step, now())];
			const gate = await (run.id === this.#runId
				? this.#gate(announcing, join)
				: readGateAndAnnounce(db, run.id, announcing));
			if (gate.cancelled) throw new OrchestratorError("cancelled", "The run was cancelled.");
			const gated = () => inBudgetScope(this.budget.policy, step, () => body(end));
			const result = traced ? await withSpan(traced.trace, traced.span, gated) : await gated();
			logEvent({ msg: "step", runId: run.id, step: step.name, durationMs: Date.now() - started, outcome: "ok" });
			if (!end.recorded) ended("succeeded");
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
				await recordAttemptUsage(db, run.id, spent, now()).catch((e: unknown) =>
					logEvent({ msg: "usage write failed", runId: run.id, error: String(e) }, "error"),
				);
			}
			throw toStepError(failure);
		} finally {
			if (traced) {
				traced.span.end();
				this.tracing.flush(traced.trace);
			}
		}
	}
}
