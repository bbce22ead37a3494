/**
 * The floor Worker: `POST / {prompt, maxParallel}` starts a floor run (202 with its id), `GET /:id`
 * answers the instance's `status()`: the bare engine's status read, which the benchmark times against
 * the product's `GET /:id`.
 */
import type { FloorEnv, FloorParams } from "./types";

export { FloorChildWorkflow } from "./child-workflow";
export { FloorWorkflow } from "./floor-workflow";

export default {
	async fetch(request, env) {
		const { pathname } = new URL(request.url);
		if (request.method === "POST" && pathname === "/") {
			const params = (await request.json()) as FloorParams;
			const instance = await env.FLOOR.create({ params });
			return Response.json({ id: instance.id }, { status: 202 });
		}
		if (request.method === "GET" && pathname.length > 1) {
			const instance = await env.FLOOR.get(pathname.slice(1));
			return Response.json(await instance.status());
		}
		return new Response("not found", { status: 404 });
	},
} satisfies ExportedHandler<FloorEnv>;
