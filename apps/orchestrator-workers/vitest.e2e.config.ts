import { defineConfig } from "vitest/config";

// End-to-end: a real `wrangler dev` (both Workers, local Workflows, D1 and Browser Rendering) against the
// scripted model server, from Node. The files share one stack (test/e2e/global-setup.ts) and run one
// at a time, so concurrency assertions see only their own load.
export default defineConfig({
	test: {
		include: ["test/e2e/**/*.e2e.test.ts"],
		environment: "node",
		fileParallelism: false,
		globalSetup: ["./test/e2e/global-setup.ts"],
		testTimeout: 120_000,
		hookTimeout: 180_000,
	},
});
