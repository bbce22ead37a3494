/** How trace export went (see telemetry/step-tracing.ts), from the counters it keeps in D1. */
import type { MetricFamily } from "./exposition";

interface ExportRow {
	outcome: string;
	batches: number;
	spans: number;
	dropped: number;
}

export async function traceFamilies(db: D1Database): Promise<MetricFamily[]> {
	const { results } = await db.prepare("SELECT outcome, batches, spans, dropped FROM trace_exports").all<ExportRow>();
	const rows = ["ok", "failed"].map(
		(outcome) => results.find((r) => r.outcome === outcome) ?? { outcome, batches: 0, spans: 0, dropped: 0 },
	);
	return [
		{
			name: "orchestrator_trace_exports_total",
			help: "OTLP trace export requests by outcome (failed: the endpoint was down, slow or refused; the run went on).",
			type: "counter",
			samples: rows.map((r) => ({ labels: { outcome: r.outcome }, value: r.batches })),
		},
		{
			name: "orchestrator_trace_spans_total",
			help: "Spans in OTLP trace export requests by outcome.",
			type: "counter",
			samples: rows.map((r) => ({ labels: { outcome: r.outcome }, value: r.spans })),
		},
		{
			name: "orchestrator_trace_spans_dropped_total",
			help: "Spans not exported because one step made more than the per-export bound.",
			type: "counter",
			samples: [{ labels: {}, value: rows.reduce((sum, r) => sum + r.dropped, 0) }],
		},
	];
}
