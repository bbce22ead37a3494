import { defineConfig } from "vitest/config";

// End-to-end: the `ow` command as a process against a real `wrangler dev` and the scripted model server.
export default defineConfig({
	test: {
		include: ["test/**/*.e2e.test.ts"],
		environment: "node",
		fileParallelism: false,
		testTimeout: 120_000,
		hookTimeout: 180_000,
	},
});
