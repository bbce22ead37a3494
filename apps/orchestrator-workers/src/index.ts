/**
 * The orchestrator Worker: assembles the HTTP API and exports the Workflow class.
 */
import { createApp } from "./http/app";

export { OrchestratorWorkflow } from "./workflows/orchestrator-workflow";

export default { fetch: createApp().fetch } satisfies ExportedHandler<Env>;
