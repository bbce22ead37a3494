/**
 * The orchestrator Worker: assembles the HTTP API and exports the Workflow class.
 */
import { createApp } from "./http/app";
import { recoverStaleRuns } from "./runs/recovery";

export { RunEvents } from "./progress/run-events";
export { OrchestratorWorkflow } from "./workflows/orchestrator-workflow";

export default {
	fetch: createApp().fetch,
	// The cron trigger of the recovery sweep (wrangler.jsonc `triggers`).
	scheduled: (_controller, env, ctx) => ctx.waitUntil(recoverStaleRuns(env)),
} satisfies ExportedHandler<Env>;
