/**
 * The orchestrator Worker: assembles the HTTP API and exports the Workflow class.
 */
import { env as startupEnv } from "cloudflare:workers";
import { createApp } from "./http/app";
import { sweepRuns } from "./runs/recovery";
import { armScheduleClock } from "./schedules/schedule-clock";
import { sweepSchedules } from "./schedules/sweep";
import { warnAboutShortSecrets } from "./secrets";

// At start-up (once per isolate): name a secret too short to be redacted, so nobody relies on it.
warnAboutShortSecrets(startupEnv);

export { RunEvents } from "./progress/run-events";
export { OrchestratorWorkflow } from "./workflows/orchestrator-workflow";
export { ScheduleClock } from "./schedules/schedule-clock";

export default {
	fetch: createApp().fetch,
	// The cron trigger (wrangler.jsonc `triggers`): the recovery and retention sweep, and the schedules'
	// safety net (their clock's alarm fires them on time; see schedules/schedule-clock.ts).
	scheduled: (_controller, env, ctx) =>
		ctx.waitUntil(Promise.all([sweepRuns(env), sweepSchedules(env).then(() => armScheduleClock(env))])),
} satisfies ExportedHandler<Env>;
