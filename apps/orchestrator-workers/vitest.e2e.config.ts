import { defineConfig } from "vitest/config";
import { OWN_STACK_FILES } from "./test/e2e/own-stack-files.ts";

// End-to-end on the shared stack: a real `wrangler dev` (both Workers, local Workflows, D1 and Browser
// Rendering) against the scripted model server, from Node, started once by test/e2e/global-setup.ts.
// The files run one at a time, so concurrency assertions see only their own load. The files that start
// their own stack run in vitest.e2e-stacks.config.ts.
export default defineConfig({
	test: {
		include: ["test/e2e/**/*.e2e.test.ts"],
		exclude: OWN_STACK_FILES,
		environment: "node",
		fileParallelism: false,
		globalSetup: ["./test/e2e/global-setup.ts"],
		// Every answer of the shared stack is checked against the OpenAPI document.
		setupFiles: ["./test/e2e/contract-setup.ts"],
		testTimeout: 120_000,
		hookTimeout: 180_000,
	},
});
