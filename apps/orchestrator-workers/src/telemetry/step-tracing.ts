/**
 * Tracing of a run's steps: a span per step attempt (with the spans of what it calls beneath it) and
 * the run's root span when it ends, all in the trace the run id names. Export happens after the step,
 * through waitUntil, so it never slows, fails or retries a step; how it went is counted in D1 for
 * /metrics.
 */
import { waitUntil } from "cloudflare:workers";
import { logEvent } from "../log";
import { readOtlpConfig, type OtlpConfig } from "./otlp-config";
import { exportTrace, type ExportOutcome } from "./otlp-export";
import { RunTrace, type Span } from "./run-trace";
import { rootSpanIdOf, traceIdOf } from "./trace-ids";

export interface AttemptTrace {
	trace: RunTrace;
	span: Span;
}

export class StepTracing {
	private readonly config: OtlpConfig | null;
	private readonly db: D1Database;

	constructor(env: Env) {
		this.config = readOtlpConfig(env);
		this.db = env.DB;
	}

	/** The span of one attempt of a step, or null when tracing is off. */
	async startAttempt(runId: string, step: { name: string; attempt: number }): Promise<AttemptTrace | null> {
		if (!this.config) return null;
		const trace = await this.traceOf(runId);
		const span = trace.start(step.name, { "workflow.step.name": step.name, "workflow.step.attempt": step.attempt });
		return { trace, span };
	}

	/** The run's root span, from its start to now; its id is derived, so the attempts already named it. */
	async endRun(runId: string, startedAt: Date, attributes: Record<string, string>): Promise<void> {
		if (!this.config) return;
		const trace = await this.traceOf(runId);
		trace.keep({
			name: "run",
			spanId: trace.rootSpanId,
			parentSpanId: "",
			kind: 1,
			startMs: startedAt.getTime(),
			endMs: Math.max(Date.now(), startedAt.getTime()),
			attributes: { "run.id": runId, ...attributes },
			status: { code: attributes["run.status"] === "complete" ? 1 : 2 },
		});
		this.flush(trace);
	}

	/** Sends what `trace` holds, after the step, best effort. */
	flush(trace: RunTrace): void {
		const config = this.config;
		if (!config) return;
		waitUntil(exportTrace(config, trace).then((outcome) => this.count(outcome)));
	}

	private async traceOf(runId: string): Promise<RunTrace> {
		return new RunTrace({ runId, traceId: await traceIdOf(runId), rootSpanId: await rootSpanIdOf(runId) });
	}

	private async count(outcome: ExportOutcome): Promise<void> {
		if (outcome.spans === 0 && outcome.dropped === 0) return;
		if (!outcome.ok) logEvent({ msg: "trace export failed", error: outcome.error, spans: outcome.spans }, "warn");
		await this.db
			.prepare(
				`INSERT INTO trace_exports (outcome, batches, spans, dropped) VALUES (?1, 1, ?2, ?3)
				 ON CONFLICT (outcome) DO UPDATE SET batches = batches + 1, spans = spans + ?2, dropped = dropped + ?3`,
			)
			.bind(outcome.ok ? "ok" : "failed", outcome.spans, outcome.dropped)
			.run()
			.catch((error: unknown) => logEvent({ msg: "trace export count failed", error: String(error) }, "warn"));
	}
}
