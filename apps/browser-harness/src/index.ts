import { DurableObject, WorkerEntrypoint } from "cloudflare:workers";
export class SessionPool extends DurableObject<Env> {}
export class BrowserHarness extends WorkerEntrypoint<Env> {
	async ping() { return "pong"; }
}
export default { fetch: () => new Response("ok") } satisfies ExportedHandler<Env>;
