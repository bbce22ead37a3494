/**
 * One stack for the e2e files: the scripted model server and a `wrangler dev` with both Workers.
 * Starting wrangler costs seconds, so the files share it; each scripts its own scenarios, keyed by
 * ids in its prompts, so they never see each other's answers. (The recovery test starts its own,
 * because it kills it.)
 */
import { startModelServer, startProductStack, type ModelServer, type WranglerDev } from "@ow/testing";
import type { TestProject } from "vitest/node";

declare module "vitest" {
	interface ProvidedContext {
		devURL: string;
		/** wrangler's process id: the root of the shared stack's processes (workerd, Chromium). */
		devPid: number;
		modelURL: string;
	}
}

/** What the shared dev server runs with; tests that depend on a value import it from here. */
export const E2E_VARS = {
	BIG_MODEL: "big",
	SMALL_MODEL: "small",
	MAX_PARALLEL: "3",
	STEP_RETRY_DELAY_MS: "100",
	// POST /schedules/sweep {now}: the schedules test picks the time ticks are fired at.
	SCHEDULES_TEST_CLOCK: "true",
} as const;

let models: ModelServer | undefined;
let dev: WranglerDev | undefined;

export async function setup(project: TestProject) {
	models = await startModelServer();
	dev = await startProductStack(models.baseURL, E2E_VARS);
	project.provide("devURL", dev.url);
	project.provide("devPid", dev.pid);
	project.provide("modelURL", models.url);
}

export async function teardown() {
	await dev?.stop();
	await models?.close();
}
