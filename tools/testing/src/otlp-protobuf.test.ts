/** The test receiver reads what the OpenTelemetry serializers write, protobuf and JSON alike. */
import { JsonTraceSerializer, ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { resourceFromAttributes } from "@opentelemetry/resources";
import type { ReadableSpan } from "@opentelemetry/sdk-trace";
import { describe, expect, it } from "vitest";
import { decodeTraceRequest } from "./otlp-protobuf.ts";
import { startOtlpReceiver } from "./otlp-receiver.ts";

const span: ReadableSpan = {
	name: "chat small",
	kind: 2,
	spanContext: () => ({ traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331", traceFlags: 1 }),
	parentSpanContext: { traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "00f067aa0ba902b7", traceFlags: 1 },
	startTime: [1_700_000_000, 5_000_000],
	endTime: [1_700_000_001, 0],
	duration: [0, 995_000_000],
	status: { code: 2, message: "scripted outage" },
	attributes: { "run.id": "run_a", "gen_ai.usage.input_tokens": 42, ok: false, ratio: 0.5 },
	links: [],
	events: [],
	ended: true,
	resource: resourceFromAttributes({ "service.name": "svc" }),
	instrumentationScope: { name: "test" },
	droppedAttributesCount: 0,
	droppedEventsCount: 0,
	droppedLinksCount: 0,
};

const expected = {
	traceId: "0af7651916cd43dd8448eb211c80319c",
	spanId: "b7ad6b7169203331",
	parentSpanId: "00f067aa0ba902b7",
	name: "chat small",
	kind: 3,
	startNs: 1_700_000_000_005_000_000n,
	endNs: 1_700_000_001_000_000_000n,
	attributes: { "run.id": "run_a", "gen_ai.usage.input_tokens": 42, ok: false, ratio: 0.5 },
	status: { code: 2, message: "scripted outage" },
	resource: { "service.name": "svc" },
};

describe("the OTLP test receiver", () => {
	it("should decode the protobuf the serializer writes", () => {
		expect(decodeTraceRequest(ProtobufTraceSerializer.serializeRequest([span])!)).toEqual([expected]);
	});

	it("should take protobuf and JSON over HTTP alike", async () => {
		const receiver = await startOtlpReceiver();
		try {
			for (const [type, body] of [
				["application/x-protobuf", ProtobufTraceSerializer.serializeRequest([span])!],
				["application/json", JsonTraceSerializer.serializeRequest([span])!],
			] as const) {
				const res = await fetch(`${receiver.url}/v1/traces`, {
					method: "POST",
					headers: { "content-type": type },
					body,
				});
				expect(res.status).toBe(200);
			}
			expect(receiver.spans).toEqual([expected, expected]);
		} finally {
			await receiver.close();
		}
	});
});
