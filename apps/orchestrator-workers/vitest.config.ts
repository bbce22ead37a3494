import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

const root = path.resolve(import.meta.dirname, "../..");

export default defineConfig(async () => ({
	plugins: [
		cloudflareTest({
			wrangler: { configPath: path.join(root, "wrangler.jsonc"), environment: "development" },
			miniflare: {
				// The harness is a separate Worker the test pool cannot load; browser subtasks are driven for
				// real by the e2e target. Here the binding answers like an unreachable harness.
				serviceBindings: {
					BROWSER_HARNESS: () => new Response("browser harness is not running in unit tests", { status: 503 }),
				},
				bindings: { TEST_MIGRATIONS: await readD1Migrations(path.join(import.meta.dirname, "migrations")) },
			},
		}),
	],
	test: {
		include: ["test/**/*.test.ts"],
		exclude: ["test/e2e/**"],
		setupFiles: ["./test/apply-migrations.ts"],
	},
}));
