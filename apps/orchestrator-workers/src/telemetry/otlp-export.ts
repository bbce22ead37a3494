/**
 * Sends a run's finished spans to the OTLP endpoint, with the OpenTelemetry JS serializers (they run
 * in workerd; the SDK's exporters and span processors assume Node or browser timers and transports,
 * so the request itself is a plain fetch here). Best effort: it never throws, and is given a short
 * timeout; the caller runs it after the step, outside the step's time.
 */
import { JsonTraceSerializer, ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { resourceFromAttributes } from "@opentelemetry/resources";
import type { ReadableSpan } from "@opentelemetry/sdk-trace";
import type { OtlpConfig } from "./otlp-config";
import type { RunTrace, SpanRecord } from "./run-trace";

export interface ExportOutcome {
	ok: boolean;
	spans: number;
	dropped: number;
	/** Why it failed: the HTTP status or the network error; never the headers. */
	error?: string;
}

const EXPORT_TIMEOUT_MS = 5_000;
const SCOPE = { name: "orchestrator-workers", version: "1.0.0" };

export async function exportTrace(
	config: OtlpConfig,
	trace: RunTrace,
	fetchImpl: typeof fetch = fetch,
): Promise<ExportOutcome> {
	const spans = trace.finished.splice(0);
	const dropped = trace.dropped;
	trace.dropped = 0;
	if (spans.length === 0) return { ok: true, spans: 0, dropped };
	try {
		const readable = toReadableSpans(config, trace, spans);
		const json = config.protocol === "http/json";
		const body = (json ? JsonTraceSerializer : ProtobufTraceSerializer).serializeRequest(readable);
		if (!body) return { ok: false, spans: spans.length, dropped, error: "the serializer returned nothing" };
		const res = await fetchImpl(config.tracesUrl, {
			method: "POST",
			headers: { ...config.headers, "content-type": json ? "application/json" : "application/x-protobuf" },
			body,
			signal: AbortSignal.timeout(EXPORT_TIMEOUT_MS),
		});
		await res.body?.cancel();
		return res.ok
			? { ok: true, spans: spans.length, dropped }
			: { ok: false, spans: spans.length, dropped, error: `HTTP ${res.status}` };
	} catch (error) {
		return { ok: false, spans: spans.length, dropped, error: error instanceof Error ? error.name : "error" };
	}
}

const hrTime = (ms: number): [number, number] => [Math.floor(ms / 1000), (ms % 1000) * 1_000_000];

/** The serializers take the SDK's ReadableSpan; these are ours in that shape. */
export function toReadableSpans(config: OtlpConfig, trace: RunTrace, spans: SpanRecord[]): ReadableSpan[] {
	const resource = resourceFromAttributes({ "service.name": config.serviceName });
	return spans.map((span) => ({
		name: span.name,
		kind: span.kind === 3 ? 2 : 0, // the API's SpanKind: INTERNAL 0, CLIENT 2 (OTLP adds one)
		spanContext: () => ({ traceId: trace.traceId, spanId: span.spanId, traceFlags: 1 }),
		parentSpanContext: { traceId: trace.traceId, spanId: span.parentSpanId, traceFlags: 1 },
		startTime: hrTime(span.startMs),
		endTime: hrTime(span.endMs),
		duration: hrTime(span.endMs - span.startMs),
		status: span.status,
		attributes: span.attributes,
		links: [],
		events: [],
		ended: true,
		resource,
		instrumentationScope: SCOPE,
		droppedAttributesCount: 0,
		droppedEventsCount: 0,
		droppedLinksCount: 0,
	}));
}
