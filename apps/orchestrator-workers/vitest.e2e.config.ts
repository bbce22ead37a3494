import { defineConfig } from "vitest/config";

// End-to-end: a real `wrangler dev` (both Workers, local Workflows and D1) against the scripted model
// server, from Node. One file at a time: each starts its own dev server.
export default defineConfig({
	test: {
		include: ["test/e2e/**/*.e2e.test.ts"],
		environment: "node",
		fileParallelism: false,
		testTimeout: 120_000,
		hookTimeout: 180_000,
	},
});
