/**
 * `GET /:id/instance`: the run's Workflow instance as the engine reports it, beside the registry's
 * status. The registry is written from inside steps, so this is where an operator checks that the two
 * agree (a run the registry calls running whose instance is gone is what recovery repairs).
 */
import { operation } from "../openapi/operation";
import { Hono } from "hono";
import type { AppEnv } from "../http/app-env";
import { methodNotAllowed } from "@ow/http-errors";
import { readRunStatus } from "../registry/run-view";
import { notFound } from "../runs/run-state";
import { runIdParam } from "./run-id";
import { runStore } from "../registry/run-store";

export const instance = new Hono<AppEnv>()
	.get(
		"/:id/instance",
		operation({
			operationId: "getRunInstance",
			tag: "runs",
			summary: "A run's Workflow instance",
			description:
				"The registry's status beside the Workflow engine's (null when the engine has no such instance): for checking that the two agree.",
			responses: { 200: { description: "The registry's and the engine's view.", body: "RunInstance" } },
			errors: [404],
		}),
		runIdParam,
		async (c) => {
			const id = c.req.valid("param").id;
			const registered = await readRunStatus(runStore(c.env, id), id);
			if (!registered) throw notFound(id);
			let engine: InstanceStatus | null;
			try {
				engine = await (await c.env.ORCHESTRATOR_WORKFLOW.get(id)).status();
			} catch (_error) {
				engine = null; // the engine has no such instance (any more)
			}
			return c.json({
				id,
				registry: registered.status,
				instance: engine && {
					status: engine.status,
					error: engine.error ? { name: engine.error.name, message: engine.error.message } : null,
				},
			});
		},
	)
	.all("/:id/instance", methodNotAllowed(["GET"]));
