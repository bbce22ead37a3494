/**
 * An OTLP/HTTP trace receiver on 127.0.0.1 for end-to-end tests: accepts `POST /v1/traces` as
 * protobuf or JSON and keeps every span it got, decoded, so tests can read what an exporter sent.
 */
import { createServer, type Server } from "node:http";
import { decodeTraceRequest, type ReceivedSpan } from "./otlp-protobuf.ts";

export type { ReceivedSpan } from "./otlp-protobuf.ts";

export interface OtlpReceiver {
	url: string;
	spans: ReceivedSpan[];
	/** Each request's content type and headers, in order. */
	requests: { contentType: string; headers: Record<string, string | string[] | undefined> }[];
	close(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
	const receiver: OtlpReceiver = { url: "", spans: [], requests: [], close: async () => {} };
	const server: Server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on("data", (c: Buffer) => chunks.push(c));
		req.on("end", () => {
			if (req.method !== "POST" || req.url !== "/v1/traces") {
				res.writeHead(404).end();
				return;
			}
			const contentType = req.headers["content-type"] ?? "";
			receiver.requests.push({ contentType, headers: req.headers });
			const body = Buffer.concat(chunks);
			try {
				receiver.spans.push(
					...(contentType.includes("json") ? decodeJson(body.toString("utf8")) : decodeTraceRequest(body)),
				);
				res.writeHead(200, { "content-type": contentType }).end(contentType.includes("json") ? "{}" : "");
			} catch (error) {
				res.writeHead(400).end(String(error));
			}
		});
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	const address = server.address();
	receiver.url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
	receiver.close = () =>
		new Promise<void>((resolve) => {
			server.closeAllConnections();
			server.close(() => resolve());
		});
	return receiver;
}

interface JsonAnyValue {
	stringValue?: string;
	boolValue?: boolean;
	intValue?: string | number;
	doubleValue?: number;
}
interface JsonKeyValue {
	key: string;
	value: JsonAnyValue;
}
interface JsonSpan {
	traceId: string;
	spanId: string;
	parentSpanId?: string;
	name: string;
	kind: number;
	startTimeUnixNano: string;
	endTimeUnixNano: string;
	attributes?: JsonKeyValue[];
	status?: { code?: number; message?: string };
}
interface JsonRequest {
	resourceSpans: { resource?: { attributes?: JsonKeyValue[] }; scopeSpans: { spans: JsonSpan[] }[] }[];
}

const jsonValue = (v: JsonAnyValue) =>
	v.stringValue ?? v.boolValue ?? (v.intValue !== undefined ? Number(v.intValue) : (v.doubleValue ?? null));
const jsonAttributes = (kvs: JsonKeyValue[] = []) => Object.fromEntries(kvs.map((kv) => [kv.key, jsonValue(kv.value)]));

function decodeJson(text: string): ReceivedSpan[] {
	const request = JSON.parse(text) as JsonRequest;
	return request.resourceSpans.flatMap((rs) =>
		rs.scopeSpans.flatMap((ss) =>
			ss.spans.map((s) => ({
				traceId: s.traceId,
				spanId: s.spanId,
				parentSpanId: s.parentSpanId ?? "",
				name: s.name,
				kind: s.kind,
				startNs: BigInt(s.startTimeUnixNano),
				endNs: BigInt(s.endTimeUnixNano),
				attributes: jsonAttributes(s.attributes),
				status: { code: s.status?.code ?? 0, message: s.status?.message ?? "" },
				resource: jsonAttributes(rs.resource?.attributes),
			})),
		),
	);
}
