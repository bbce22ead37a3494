import { defineConfig } from "vitest/config";

/**
 * End-to-end tests: real `wrangler dev` with local Browser Rendering (real Chromium) and a local
 * page server. Files run one at a time; each starts and stops its own harness.
 */
export default defineConfig({
	test: {
		include: ["test/e2e/**/*.e2e.test.ts"],
		environment: "node",
		fileParallelism: false,
		testTimeout: 90_000,
		hookTimeout: 120_000,
	},
});
