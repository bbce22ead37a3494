import { defineConfig } from "vitest/config";
import { OWN_STACK_FILES } from "./test/e2e/own-stack-files.ts";

// End-to-end files that each start their own `wrangler dev` (to restart it, kill it or run it with
// other variables). One at a time, beside the shared-stack target.
export default defineConfig({
	test: {
		include: OWN_STACK_FILES,
		environment: "node",
		fileParallelism: false,
		testTimeout: 120_000,
		hookTimeout: 180_000,
	},
});
