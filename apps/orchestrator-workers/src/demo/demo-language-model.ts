/**
 * The built-in demo model as an AI SDK language model (specification v4, what `ai@7` calls): the
 * answers of @ow/demo-model after a steady latency, streamed in small pieces when the caller streams,
 * with token usage estimated from the text. It runs inside the Worker, so no process or port is needed.
 *
 * Selected by `MODEL_PROVIDER=demo`, which `nx dev` sets when the shipped defaults are in effect and no
 * model server answers; runs record the provider as "demo" and the page shows it.
 */
import type {
	LanguageModelV4,
	LanguageModelV4CallOptions,
	LanguageModelV4Prompt,
	LanguageModelV4StreamPart,
	LanguageModelV4Usage,
} from "@ai-sdk/provider";
import { demoAnswer, estimateTokens, type JsonSchema } from "@ow/demo-model";

/** How long every demo call takes before it answers: long enough to watch a run move. */
export const DEMO_LATENCY_MS = 400;

/** Characters per streamed text delta, and the pause between deltas. */
const STREAM_CHUNK_CHARS = 24;
const STREAM_CHUNK_MS = 10;

export interface DemoModelOptions {
	/** Latency before the answer; `DEMO_LATENCY_MS` unless given. */
	latencyMs?: number;
}

/** Resolves after `ms`, or rejects with the signal's reason when the caller gives up first. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
	if (signal?.aborted) return Promise.reject(signal.reason);
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			signal?.removeEventListener("abort", onAbort);
			resolve();
		}, ms);
		const onAbort = () => {
			clearTimeout(timer);
			reject(signal?.reason);
		};
		signal?.addEventListener("abort", onAbort, { once: true });
	});
}

function textOf(prompt: LanguageModelV4Prompt, role: "system" | "user"): string {
	return prompt
		.filter((message) => message.role === role)
		.map((message) =>
			typeof message.content === "string"
				? message.content
				: message.content.map((part) => (part.type === "text" ? part.text : "")).join(""),
		)
		.join("\n\n");
}

function usageOf(input: string, output: string): LanguageModelV4Usage {
	const inputTokens = estimateTokens(input);
	const outputTokens = estimateTokens(output);
	return {
		inputTokens: { total: inputTokens, noCache: inputTokens, cacheRead: 0, cacheWrite: 0 },
		outputTokens: { total: outputTokens, text: outputTokens, reasoning: 0 },
	};
}

/** The answer's text and usage for one call. */
function answer(options: LanguageModelV4CallOptions): { text: string; usage: LanguageModelV4Usage } {
	const system = textOf(options.prompt, "system");
	const user = textOf(options.prompt, "user");
	const format = options.responseFormat;
	const schema = format?.type === "json" && format.schema ? (format.schema as JsonSchema) : null;
	const result = demoAnswer({ system, user, schema });
	const text = result.kind === "json" ? JSON.stringify(result.value) : result.text;
	return { text, usage: usageOf(`${system}${user}`, text) };
}

const STOP = { unified: "stop", raw: "stop" } as const;

/** A demo model named `modelId` (the run's status shows it). */
export function createDemoModel(modelId: string, options: DemoModelOptions = {}): LanguageModelV4 {
	const latencyMs = options.latencyMs ?? DEMO_LATENCY_MS;
	return {
		specificationVersion: "v4",
		provider: "demo",
		modelId,
		supportedUrls: {},
		async doGenerate(call) {
			await pause(latencyMs, call.abortSignal);
			const { text, usage } = answer(call);
			return { content: [{ type: "text", text }], finishReason: STOP, usage, warnings: [] };
		},
		async doStream(call) {
			await pause(latencyMs, call.abortSignal);
			const { text, usage } = answer(call);
			let at = 0;
			const stream = new ReadableStream<LanguageModelV4StreamPart>({
				start(controller) {
					controller.enqueue({ type: "stream-start", warnings: [] });
					controller.enqueue({ type: "response-metadata", modelId });
					controller.enqueue({ type: "text-start", id: "text" });
				},
				async pull(controller) {
					if (at >= text.length) {
						controller.enqueue({ type: "text-end", id: "text" });
						controller.enqueue({ type: "finish", usage, finishReason: STOP });
						controller.close();
						return;
					}
					if (at > 0) await pause(STREAM_CHUNK_MS, call.abortSignal);
					controller.enqueue({ type: "text-delta", id: "text", delta: text.slice(at, at + STREAM_CHUNK_CHARS) });
					at += STREAM_CHUNK_CHARS;
				},
			});
			return { stream };
		},
	};
}
