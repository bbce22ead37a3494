import { execFileSync } from "node:child_process";
import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

const root = path.resolve(import.meta.dirname, "../..");
const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
// The config's `assets.directory` must exist, and the page tests read what it holds: build it first,
// as wrangler's `build.command` does for `wrangler dev` and `wrangler deploy`.
execFileSync(process.execPath, [path.join(import.meta.dirname, "web", "build.mjs")], { stdio: "inherit" });

export default defineConfig({
	plugins: [
		cloudflareTest(({ inject }) => ({
			wrangler: { configPath: path.join(root, "wrangler.jsonc"), environment: "development" },
			miniflare: {
				bindings: {
					TEST_MIGRATIONS: migrations,
					// The scripted model server started by test/global-setup.ts: real HTTP calls, scripted answers.
					MODEL_PROVIDER: "openai-compatible",
					MODEL_BASE_URL: inject("modelBaseURL"),
					BIG_MODEL: "big",
					SMALL_MODEL: "small",
					// Tests seed runs with old dates; the sweep's tests pass their own settings.
					RUN_RETENTION_DAYS: "3650",
					RECOVERY_BOOT_CHECK: "false",
					// Distinct output limits per role, so a test can tell which one each call was sent.
					PLAN_MAX_OUTPUT_TOKENS: "3001",
					SUBTASK_MAX_OUTPUT_TOKENS: "2002",
					SYNTHESISE_MAX_OUTPUT_TOKENS: "5005",
					MODEL_PRICES: JSON.stringify({
						big: { inputPerMTok: 3, outputPerMTok: 15 },
						small: { inputPerMTok: 0.5, outputPerMTok: 1 },
					}),
				},
				// The harness is a separate Worker this pool cannot load; browser subtasks are driven for real
				// by the e2e target. Here the binding answers like an unreachable harness.
				serviceBindings: {
					BROWSER_HARNESS: () => new Response("browser harness is not running in unit tests", { status: 503 }),
				},
			},
		})),
	],
	test: {
		include: ["test/**/*.test.ts"],
		exclude: ["test/e2e/**"],
		globalSetup: ["./test/global-setup.ts"],
		setupFiles: ["./test/apply-migrations.ts"],
		testTimeout: 30_000,
	},
});
