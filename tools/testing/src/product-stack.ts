/**
 * This repository's product under one `wrangler dev`: the orchestrator and the browser harness, with
 * D1 migrated and the models pointed at an OpenAI-compatible server (the scripted one) as "big" and
 * "small". What the end-to-end tests and the benchmarks run against.
 */
import { startWranglerDev, type WranglerDev, type WranglerDevOptions } from "./wrangler-dev.ts";

/** The Worker configs, relative to the repo root; the first serves HTTP. */
export const PRODUCT_CONFIGS = ["wrangler.jsonc", "apps/browser-harness/wrangler.jsonc"];

/** Starts the product; `vars` add or override Worker variables. */
export function startProductStack(
	modelBaseURL: string,
	vars: Record<string, string> = {},
	options: Pick<
		WranglerDevOptions,
		"persistTo" | "readyTimeoutMs" | "testScheduled" | "inspectorPort" | "localObservability"
	> = {},
): Promise<WranglerDev> {
	return startWranglerDev({
		configs: PRODUCT_CONFIGS,
		// A persisted folder was migrated when it was first used.
		migrateD1: options.persistTo ? undefined : "DB",
		persistTo: options.persistTo,
		vars: {
			MODEL_PROVIDER: "openai-compatible",
			MODEL_BASE_URL: modelBaseURL,
			BIG_MODEL: "big",
			SMALL_MODEL: "small",
			...vars,
		},
		readyTimeoutMs: options.readyTimeoutMs ?? 120_000,
		testScheduled: options.testScheduled,
		inspectorPort: options.inspectorPort,
		localObservability: options.localObservability,
	});
}
