/**
 * The spans one piece of a run's work records: a step attempt and what it calls (model calls, page
 * loads, actions). Plain records, bounded in number; the exporter turns them into OTLP.
 */
import { newSpanId } from "./trace-ids";

export type AttributeValue = string | number | boolean;
export type Attributes = Record<string, AttributeValue | undefined>;

/** OTLP status codes: unset, ok, error. */
export const SPAN_STATUS = { unset: 0, ok: 1, error: 2 } as const;

export interface SpanRecord {
	name: string;
	spanId: string;
	parentSpanId: string;
	/** OTLP span kind: 1 internal, 3 client (a call to another service). */
	kind: 1 | 3;
	startMs: number;
	endMs: number;
	attributes: Record<string, AttributeValue>;
	status: { code: 0 | 1 | 2; message?: string };
}

/** Most spans one trace keeps; later ones are counted as dropped, so a loop cannot grow memory. */
export const MAX_SPANS = 256;

export class RunTrace {
	readonly traceId: string;
	readonly rootSpanId: string;
	readonly runId: string;
	readonly finished: SpanRecord[] = [];
	dropped = 0;

	constructor(ids: { traceId: string; rootSpanId: string; runId: string }) {
		this.traceId = ids.traceId;
		this.rootSpanId = ids.rootSpanId;
		this.runId = ids.runId;
	}

	/** Starts a span under `parent` (the run's root span unless given). */
	start(name: string, attributes: Attributes = {}, options: { parent?: Span; kind?: 1 | 3 } = {}): Span {
		return new Span(this, name, options.parent?.spanId ?? this.rootSpanId, options.kind ?? 1, attributes);
	}

	/** Keeps a finished span, or counts it as dropped past MAX_SPANS. */
	keep(span: SpanRecord): void {
		if (this.finished.length < MAX_SPANS) this.finished.push(span);
		else this.dropped++;
	}
}

export class Span {
	readonly spanId = newSpanId();
	private readonly record: SpanRecord;
	private readonly trace: RunTrace;
	private ended = false;

	constructor(trace: RunTrace, name: string, parentSpanId: string, kind: 1 | 3, attributes: Attributes) {
		this.trace = trace;
		this.record = {
			name,
			spanId: this.spanId,
			parentSpanId,
			kind,
			startMs: Date.now(),
			endMs: 0,
			attributes: { "run.id": trace.runId },
			status: { code: SPAN_STATUS.unset },
		};
		this.set(attributes);
	}

	set(attributes: Attributes): this {
		for (const [key, value] of Object.entries(attributes)) {
			if (value !== undefined) this.record.attributes[key] = value;
		}
		return this;
	}

	/** Marks the span failed with the error's type (`error.type`, as the semantic conventions name it). */
	fail(errorType: string, message: string): this {
		this.record.attributes["error.type"] = errorType;
		this.record.status = { code: SPAN_STATUS.error, message };
		return this;
	}

	/** Ends the span once; later calls do nothing. */
	end(): void {
		if (this.ended) return;
		this.ended = true;
		if (this.record.status.code === SPAN_STATUS.unset) this.record.status = { code: SPAN_STATUS.ok };
		this.record.endMs = Math.max(Date.now(), this.record.startMs);
		this.trace.keep(this.record);
	}

	/** Runs `work` inside this span: ends it, and marks it failed when `work` throws. */
	async around<T>(work: () => Promise<T>, errorTypeOf: (error: unknown) => string): Promise<T> {
		try {
			return await work();
		} catch (error) {
			this.fail(errorTypeOf(error), error instanceof Error ? error.message : String(error));
			throw error;
		} finally {
			this.end();
		}
	}
}
