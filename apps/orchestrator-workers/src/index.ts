/**
 * The orchestrator Worker: assembles the HTTP API and exports the Workflow class.
 */
import { env as startupEnv } from "cloudflare:workers";
import { createApp } from "./http/app";
import { sweepRuns } from "./runs/recovery";
import { warnAboutShortSecrets } from "./secrets";

// At start-up (once per isolate): name a secret too short to be redacted, so nobody relies on it.
warnAboutShortSecrets(startupEnv);

export { RunEvents } from "./progress/run-events";
export { OrchestratorWorkflow } from "./workflows/orchestrator-workflow";

export default {
	fetch: createApp().fetch,
	// The cron trigger of the recovery and retention sweep (wrangler.jsonc `triggers`).
	scheduled: (_controller, env, ctx) => ctx.waitUntil(sweepRuns(env)),
} satisfies ExportedHandler<Env>;
