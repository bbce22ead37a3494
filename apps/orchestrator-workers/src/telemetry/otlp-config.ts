/**
 * Where traces go, from the standard OpenTelemetry exporter variables
 * (https://opentelemetry.io/docs/specs/otel/protocol/exporter/). Unset endpoint: no tracing at all.
 * Like every other variable, an unusable value fails loudly instead of being ignored.
 */
import { OrchestratorError } from "../errors";
import { workerVar } from "../worker-vars";

export type OtlpProtocol = "http/protobuf" | "http/json";

export interface OtlpConfig {
	/** `<OTEL_EXPORTER_OTLP_ENDPOINT>/v1/traces`. */
	tracesUrl: string;
	headers: Record<string, string>;
	protocol: OtlpProtocol;
	serviceName: string;
}

export const DEFAULT_SERVICE_NAME = "orchestrator-workers";

/** The exporter's settings, or null when no endpoint is set. */
export function readOtlpConfig(env: object): OtlpConfig | null {
	const endpoint = text(workerVar(env, "OTEL_EXPORTER_OTLP_ENDPOINT"));
	if (!endpoint) return null;
	let base: URL;
	try {
		base = new URL(endpoint);
	} catch {
		throw invalid(`OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL, got "${endpoint}".`);
	}
	if (base.protocol !== "http:" && base.protocol !== "https:") {
		throw invalid(`OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL, got "${endpoint}".`);
	}
	const protocol = text(workerVar(env, "OTEL_EXPORTER_OTLP_PROTOCOL")) || "http/protobuf";
	if (protocol !== "http/protobuf" && protocol !== "http/json") {
		throw invalid(
			`OTEL_EXPORTER_OTLP_PROTOCOL must be http/protobuf or http/json (grpc does not run in Workers), got "${protocol}".`,
		);
	}
	return {
		tracesUrl: `${endpoint.replace(/\/+$/, "")}/v1/traces`,
		headers: parseHeaders(text(workerVar(env, "OTEL_EXPORTER_OTLP_HEADERS"))),
		protocol,
		serviceName: text(workerVar(env, "OTEL_SERVICE_NAME")) || DEFAULT_SERVICE_NAME,
	};
}

/**
 * `key1=value1,key2=value2`, keys and values URL-encoded (the spec's format for
 * OTEL_EXPORTER_OTLP_HEADERS). The values are never logged: they usually hold an API key.
 */
export function parseHeaders(raw: string): Record<string, string> {
	const headers: Record<string, string> = {};
	for (const pair of raw.split(",")) {
		if (pair.trim() === "") continue;
		const eq = pair.indexOf("=");
		const key = eq > 0 ? decode(pair.slice(0, eq).trim()) : "";
		if (!key || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(key)) {
			throw invalid("OTEL_EXPORTER_OTLP_HEADERS must be comma-separated key=value pairs with valid header names.");
		}
		headers[key.toLowerCase()] = decode(pair.slice(eq + 1).trim());
	}
	return headers;
}

function decode(s: string): string {
	try {
		return decodeURIComponent(s);
	} catch {
		throw invalid("OTEL_EXPORTER_OTLP_HEADERS holds a malformed percent-encoding.");
	}
}

const text = (v: unknown) => (typeof v === "string" ? v.trim() : "");
const invalid = (message: string) => new OrchestratorError("config-invalid", message);
