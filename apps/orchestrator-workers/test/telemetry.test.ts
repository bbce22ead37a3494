/** Trace ids, the exporter's settings, and OTLP serialization of recorded spans (in workerd). */
import { JsonTraceSerializer } from "@opentelemetry/otlp-transformer";
import { describe, expect, it } from "vitest";
import { OrchestratorError } from "../src/errors";
import { readOtlpConfig } from "../src/telemetry/otlp-config";
import { toReadableSpans } from "../src/telemetry/otlp-export";
import { MAX_SPANS, RunTrace } from "../src/telemetry/run-trace";
import { rootSpanIdOf, traceIdOf } from "../src/telemetry/trace-ids";

const CONFIG = { OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318/" };

describe("trace ids", () => {
	it("should derive the same 32-hex trace id from the same run id, and different ones from others", async () => {
		const a = await traceIdOf("run_a");

		expect(a).toMatch(/^[0-9a-f]{32}$/);
		expect(await traceIdOf("run_a")).toBe(a);
		expect(await traceIdOf("run_b")).not.toBe(a);
		expect(await rootSpanIdOf("run_a")).toMatch(/^[0-9a-f]{16}$/);
	});
});

describe("readOtlpConfig", () => {
	it("should be off without an endpoint", () => {
		expect(readOtlpConfig({})).toBeNull();
	});

	it("should send traces to <endpoint>/v1/traces over protobuf by default, with the parsed headers", () => {
		const config = readOtlpConfig({ ...CONFIG, OTEL_EXPORTER_OTLP_HEADERS: "x-api-key=a%3Db,X-Team = search" });

		expect(config).toEqual({
			tracesUrl: "http://127.0.0.1:4318/v1/traces",
			headers: { "x-api-key": "a=b", "x-team": "search" },
			protocol: "http/protobuf",
			serviceName: "orchestrator-workers",
		});
	});

	it.each([
		[{ OTEL_EXPORTER_OTLP_ENDPOINT: "ftp://collector" }, /http\(s\) URL/],
		[{ OTEL_EXPORTER_OTLP_ENDPOINT: "not a url" }, /http\(s\) URL/],
		[{ ...CONFIG, OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" }, /grpc does not run in Workers/],
		[{ ...CONFIG, OTEL_EXPORTER_OTLP_HEADERS: "novalue" }, /key=value/],
		[{ ...CONFIG, OTEL_EXPORTER_OTLP_HEADERS: "k=%E0%A4%A" }, /percent-encoding/],
	])("should refuse %j loudly", (vars, message) => {
		expect(() => readOtlpConfig(vars)).toThrow(OrchestratorError);
		expect(() => readOtlpConfig(vars)).toThrow(message);
	});
});

describe("recorded spans", () => {
	const trace = async () =>
		new RunTrace({ runId: "run_a", traceId: await traceIdOf("run_a"), rootSpanId: await rootSpanIdOf("run_a") });

	it("should serialize as one OTLP trace with run.id on every span and the service name on the resource", async () => {
		const t = await trace();
		const step = t.start("subtask:a", { "workflow.step.attempt": 2 });
		const call = t.start(
			"chat small",
			{ "gen_ai.operation.name": "chat", "gen_ai.usage.input_tokens": 12 },
			{
				parent: step,
				kind: 3,
			},
		);
		call.fail("http-500", "scripted outage").end();
		step.end();
		const config = readOtlpConfig(CONFIG)!;

		const body = JSON.parse(
			new TextDecoder().decode(JsonTraceSerializer.serializeRequest(toReadableSpans(config, t, t.finished))),
		) as {
			resourceSpans: { resource: { attributes: unknown[] }; scopeSpans: { spans: Record<string, unknown>[] }[] }[];
		};

		const resource = body.resourceSpans[0]!;
		expect(resource.resource.attributes).toContainEqual({
			key: "service.name",
			value: { stringValue: "orchestrator-workers" },
		});
		const spans = resource.scopeSpans[0]!.spans;
		expect(spans.map((s) => s.name)).toEqual(["chat small", "subtask:a"]);
		expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([t.traceId]));
		expect(spans[0]!.parentSpanId).toBe(step.spanId);
		expect(spans[1]!.parentSpanId).toBe(t.rootSpanId);
		for (const span of spans)
			expect(span.attributes).toContainEqual({ key: "run.id", value: { stringValue: "run_a" } });
		expect(spans[0]!.attributes).toContainEqual({ key: "error.type", value: { stringValue: "http-500" } });
		expect(spans[0]!.status).toEqual({ code: 2, message: "scripted outage" });
		expect(spans[0]!.kind).toBe(3);
	});

	it("should keep at most MAX_SPANS spans and count the rest as dropped", async () => {
		const t = await trace();
		for (let i = 0; i < MAX_SPANS + 5; i++) t.start(`s${i}`).end();

		expect(t.finished).toHaveLength(MAX_SPANS);
		expect(t.dropped).toBe(5);
	});
});
