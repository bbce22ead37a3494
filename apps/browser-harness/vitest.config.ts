import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

/**
 * Unit tests in workerd. No Chromium here: the pool is driven with fake drivers, the page reader
 * only through the e2e target (`vitest.e2e.config.ts`), which runs the real thing.
 */
export default defineConfig({
	plugins: [
		cloudflareTest({
			wrangler: { configPath: "./wrangler.jsonc", environment: "development" },
			// .dev.vars turns private URLs on for local use; the unit tests check the deployed default.
			miniflare: { bindings: { ALLOW_PRIVATE_URLS: "false" } },
		}),
	],
	test: {
		include: ["test/**/*.test.ts"],
		exclude: ["test/e2e/**"],
	},
});
