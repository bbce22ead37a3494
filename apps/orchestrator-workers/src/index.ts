/**
 * The orchestrator Worker: assembles the HTTP API and exports the Workflow class.
 */
import { createApp } from "./http/app";
import { sweepRuns } from "./runs/recovery";

export { RunEvents } from "./progress/run-events";
export { OrchestratorWorkflow } from "./workflows/orchestrator-workflow";

export default {
	fetch: createApp().fetch,
	// The cron trigger of the recovery and retention sweep (wrangler.jsonc `triggers`).
	scheduled: (_controller, env, ctx) => ctx.waitUntil(sweepRuns(env)),
} satisfies ExportedHandler<Env>;
