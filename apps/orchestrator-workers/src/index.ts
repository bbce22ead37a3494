import { WorkflowEntrypoint } from "cloudflare:workers";
export class OrchestratorWorkflow extends WorkflowEntrypoint<Env, {prompt: string}> {
	async run() { return 1; }
}
export default { fetch: () => new Response("ok") } satisfies ExportedHandler<Env>;
