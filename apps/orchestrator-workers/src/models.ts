/**
 * Builds the big and small language models from the configuration:
 * - `workers-ai`: `env.AI` through workers-ai-provider (staging and production);
 * - `openai-compatible`: any OpenAI-compatible server (Ollama, vLLM, OpenAI, AI Gateway …);
 * - `demo`: the built-in scripted demo model (./demo), which `nx dev` picks when nothing else is set up.
 *
 * Building a model has no side effects, so it may happen outside a step; calls happen inside steps.
 */
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import type { LanguageModel } from "ai";
import type { BuiltPrompt } from "@ow/prompts";
import type { ModelSize } from "@ow/schemas";
import { readConfig, type ModelRole } from "./config";
import { createWorkersAI } from "workers-ai-provider";
import { DEMO_MODEL_IDS } from "@ow/demo-model";
import { createDemoModel } from "./demo/demo-language-model";
import { OrchestratorError } from "./errors";
import { redactingFetch, secretsOf } from "./secrets";
import type { ModelCall, Sampling } from "./workflows/model-call";
import { shareTracingChannels } from "./telemetry/shared-tracing-channels";

export type ModelProvider = "workers-ai" | "openai-compatible" | "demo";

/** Which model each role calls. */
export const MODEL_OF_ROLE: Record<ModelRole, "big" | "small"> = {
	plan: "big",
	synthesise: "big",
	subtask: "small",
	agent: "small",
};

/** Current Workers AI defaults: a large instruction model that plans well, a fast small one. */
export const DEFAULT_MODELS: Record<ModelProvider, { big: string; small: string }> = {
	"workers-ai": { big: "@cf/meta/llama-3.3-70b-instruct-fp8-fast", small: "@cf/meta/llama-3.1-8b-instruct-fast" },
	"openai-compatible": { big: "llama3.1:8b", small: "llama3.2:3b" },
	demo: DEMO_MODEL_IDS,
};

/** What a run records about its models. */
export interface ModelIds {
	provider: ModelProvider;
	big: string;
	small: string;
	/** Where an openai-compatible provider is reached; null for Workers AI. */
	baseURL: string | null;
}

export interface Models {
	ids: ModelIds;
	big: LanguageModel;
	small: LanguageModel;
	/** The sentence a run's error carries when the model cannot be reached. */
	fix: string;
	/**
	 * A call with `prompt` for `role`: planning and synthesis use the big model, subtasks and agent
	 * decisions the small one unless the plan gave the subtask a `size` (`model` in the plan; null
	 * keeps the role's); each role has its own output limit.
	 */
	call(role: ModelRole, prompt: BuiltPrompt, size?: ModelSize | null, sampling?: Sampling): ModelCall;
}

interface ModelEnv {
	MODEL_PROVIDER?: string;
	MODEL_BASE_URL?: string;
	MODEL_API_KEY?: string;
	BIG_MODEL?: string;
	SMALL_MODEL?: string;
	MODEL_CALL_TIMEOUT_MS?: string;
	PLAN_MAX_OUTPUT_TOKENS?: string;
	SUBTASK_MAX_OUTPUT_TOKENS?: string;
	SYNTHESISE_MAX_OUTPUT_TOKENS?: string;
	AGENT_MAX_OUTPUT_TOKENS?: string;
	AI?: Ai;
}

/** Reads which provider and models the configuration names, without building anything. */
export function modelIds(env: ModelEnv): ModelIds {
	const provider = env.MODEL_PROVIDER || (env.AI ? "workers-ai" : "openai-compatible");
	if (provider === "demo") return { provider, ...DEMO_MODEL_IDS, baseURL: null };
	if (provider !== "workers-ai" && provider !== "openai-compatible") {
		throw new OrchestratorError(
			"model-not-configured",
			`MODEL_PROVIDER must be "workers-ai" or "openai-compatible" (or "demo", the scripted demo model), got "${provider}".`,
		);
	}
	return {
		provider,
		big: env.BIG_MODEL || DEFAULT_MODELS[provider].big,
		small: env.SMALL_MODEL || DEFAULT_MODELS[provider].small,
		baseURL: provider === "openai-compatible" ? env.MODEL_BASE_URL || null : null,
	};
}

/** Builds the models, or throws `model-not-configured` saying exactly what to set. */
export function createModels(env: ModelEnv): Models {
	shareTracingChannels(); // the SDK's calls made cheaper; see the module
	const ids = modelIds(env);
	if (ids.provider === "demo") {
		// BIG_MODEL and SMALL_MODEL name real models; the demo reports its own ids instead.
		return withCalls(env, {
			ids,
			big: createDemoModel(ids.big),
			small: createDemoModel(ids.small),
			fix: "The demo model answers by itself; this error is a bug.",
		});
	}
	if (ids.provider === "workers-ai") {
		if (!env.AI) {
			throw new OrchestratorError(
				"model-not-configured",
				'MODEL_PROVIDER is "workers-ai" but this environment has no AI binding. Add `"ai": {"binding": "AI"}` ' +
					"to the environment in wrangler.jsonc (it needs `wrangler login`), or set MODEL_PROVIDER=openai-compatible " +
					"and MODEL_BASE_URL to an OpenAI-compatible server such as Ollama.",
			);
		}
		const workersai = createWorkersAI({ binding: env.AI });
		return withCalls(env, {
			ids,
			big: workersai(ids.big),
			small: workersai(ids.small),
			fix: "Check the AI binding and that BIG_MODEL / SMALL_MODEL name Workers AI models.",
		});
	}
	if (!ids.baseURL) {
		throw new OrchestratorError(
			"model-not-configured",
			'MODEL_PROVIDER is "openai-compatible" but MODEL_BASE_URL is not set. Set it in .dev.vars (for example ' +
				"MODEL_BASE_URL=http://127.0.0.1:11434/v1 for Ollama), or use MODEL_PROVIDER=workers-ai with an AI binding.",
		);
	}
	const provider = createOpenAICompatible({
		name: "openai-compatible",
		baseURL: ids.baseURL,
		apiKey: env.MODEL_API_KEY || undefined,
		// Providers echo the key they were sent in their errors; nothing they answer may carry it further.
		fetch: redactingFetch(secretsOf(env)),
		// Without this the AI SDK sends only response_format {type: "json_object"} and the schema never
		// reaches the model.
		supportsStructuredOutputs: true,
		includeUsage: true,
	});
	return withCalls(env, {
		ids,
		big: provider(ids.big),
		small: provider(ids.small),
		fix:
			`Start an OpenAI-compatible server at ${ids.baseURL} (for Ollama: \`ollama serve\` and ` +
			`\`ollama pull ${ids.big}\`), or set MODEL_BASE_URL to one that answers, or use MODEL_PROVIDER=workers-ai.`,
	});
}

function withCalls(env: ModelEnv, models: Omit<Models, "call">): Models {
	const { modelCallTimeoutMs: timeoutMs, maxOutputTokens } = readConfig(env);
	return {
		...models,
		call: (role, prompt, chosen, sampling) => {
			const size = chosen ?? MODEL_OF_ROLE[role];
			const limit = maxOutputTokens[role];
			return {
				model: models[size],
				modelId: models.ids[size],
				prompt,
				fix: models.fix,
				timeoutMs,
				maxOutputTokens: limit,
				...(sampling ? { sampling } : {}),
			};
		},
	};
}
