/**
 * The browser harness through the orchestrator: its session pool (`/orchestrator/pool`, since the
 * harness itself is not exposed when deployed) and the screenshots runs stored (`/:id/artifacts/:key`).
 */
import { operation } from "../openapi/operation";
import { zValidator } from "@hono/zod-validator";
import { Hono } from "hono";
import { poolScaleRequestSchema } from "@ow/schemas";
import { messageOf, OrchestratorError } from "../errors";
import { harnessOf } from "../harness";
import type { AppEnv } from "../http/app-env";
import { methodNotAllowed, validationHook } from "@ow/http-errors";
import { requireJson } from "../http/json-body";
import { requireRun } from "../runs/run-state";
import { runIdParam } from "./run-id";

/** Calls the harness; an unreachable harness is a 503 that says so. */
async function harnessCall<T>(call: () => Promise<T>): Promise<T> {
	try {
		return await call();
	} catch (error) {
		if (error instanceof OrchestratorError) throw error;
		throw new OrchestratorError("browser-unavailable", `The browser harness did not answer: ${messageOf(error)}`, {
			cause: error,
		});
	}
}

export const browser = new Hono<AppEnv>()
	.get(
		"/orchestrator/pool",
		operation({
			operationId: "poolStats",
			tag: "browser",
			summary: "Browser session pool",
			responses: { 200: { description: "The pool's gauges and counters.", body: "PoolStats" } },
			errors: [503],
		}),
		async (c) => c.json(await harnessCall(() => harnessOf(c.env).poolStats())),
	)
	.all("/orchestrator/pool", methodNotAllowed(["GET"]))
	.post(
		"/orchestrator/pool/scale",
		operation({
			operationId: "scalePool",
			tag: "browser",
			summary: "Resize the browser session pool",
			body: "PoolScaleRequest",
			responses: { 200: { description: "The pool after resizing.", body: "PoolStats" } },
			errors: [400, 503],
		}),
		requireJson,
		zValidator("json", poolScaleRequestSchema, validationHook),
		async (c) => c.json(await harnessCall(() => harnessOf(c.env).scalePool(c.req.valid("json").size))),
	)
	.all("/orchestrator/pool/scale", methodNotAllowed(["POST"]))
	.get(
		"/:id/artifacts/:key{.+}",
		operation({
			operationId: "getArtifact",
			tag: "browser",
			summary: "A file a run stored (a screenshot)",
			description: "`key` is the artifact key from the run's status and may contain `/`.",
			responses: {
				200: {
					description: "The file.",
					body: { mediaType: "image/*", schema: { type: "string", contentMediaType: "image/*" } },
				},
			},
			errors: [404, 503],
		}),
		runIdParam,
		async (c) => {
			const { id } = c.req.valid("param");
			const key = c.req.param("key");
			const run = await requireRun(c.env, id);
			// Only the run's own artifacts: a key is served through the run that made it.
			if (!run.subtasks.some((t) => t.artifacts.some((a) => a.key === key))) {
				throw new OrchestratorError("not-found", `Run ${id} has no artifact "${key}".`);
			}
			const artifact = await harnessCall(() => harnessOf(c.env).artifact(key));
			if (!artifact) throw new OrchestratorError("not-found", `Artifact "${key}" is no longer stored.`);
			return c.body(artifact.body, 200, {
				"content-type": artifact.contentType,
				"cache-control": "private, max-age=3600",
			});
		},
	);
