/**
 * Runs: start one (`POST /`, idempotent with an `Idempotency-Key`), start many (`POST /batch`), and
 * read one (`GET /:id`).
 */
import { zValidator } from "@hono/zod-validator";
import { Hono } from "hono";
import { runRequestSchema } from "@ow/schemas";
import { readConfig } from "../config";
import { OrchestratorError } from "../errors";
import type { AppEnv } from "../http/app-env";
import { methodNotAllowed, validationHook } from "@ow/http-errors";
import { limitBody, requireJson } from "../http/json-body";
import { batchSchema, idempotencyKeySchema, MAX_BATCH } from "../http/request-schemas";
import { startIdempotentRun } from "../runs/idempotent-start";
import { recovery } from "../runs/recovery";
import { requireRun } from "../runs/run-state";
import { newRunId } from "../runs/run-id";
import { acceptRequest, deploymentPricing, initialStatus, requestHash, startRuns } from "../runs/start-runs";
import { runIdParam } from "./run-id";

const links = (id: string) => ({ self: `/${id}`, events: `/${id}/events` });

export const runs = new Hono<AppEnv>()
	.post("/", limitBody(), requireJson, zValidator("json", runRequestSchema, validationHook), async (c) => {
		const config = readConfig(c.env);
		const body = c.req.valid("json");
		const accepted = acceptRequest(config, body, "", deploymentPricing(c.env));
		const key = c.req.header("Idempotency-Key");
		if (key === undefined) {
			const run = { id: newRunId(), ...accepted };
			await startRuns(c.env, config, [run]);
			return c.json({ id: run.id, status: initialStatus(run), links: links(run.id) }, 202, { Location: `/${run.id}` });
		}
		const parsedKey = idempotencyKeySchema.safeParse(key);
		if (!parsedKey.success)
			throw new OrchestratorError("invalid-request", "Idempotency-Key must be 1 to 200 printable ASCII characters.");
		const run = await startIdempotentRun(c.env, config, parsedKey.data, await requestHash(body), accepted);
		return c.json({ id: run.id, status: run.status, links: links(run.id) }, run.replayed ? 200 : 202, {
			Location: `/${run.id}`,
		});
	})
	.all("/", methodNotAllowed(["POST"]))
	.post("/batch", limitBody(MAX_BATCH), requireJson, zValidator("json", batchSchema, validationHook), async (c) => {
		const config = readConfig(c.env);
		const accepted = c.req.valid("json").runs.map((body, i) => ({
			id: newRunId(),
			...acceptRequest(config, body, `runs.${i}.`, deploymentPricing(c.env)),
		}));
		await startRuns(c.env, config, accepted);
		return c.json({ runs: accepted.map((r) => ({ id: r.id, status: initialStatus(r), links: links(r.id) })) }, 202);
	})
	.all("/batch", methodNotAllowed(["POST"]))
	.get("/:id", runIdParam, async (c) => {
		const run = await requireRun(c.env, c.req.valid("param").id);
		recovery.onRead(c.env, c.executionCtx, run);
		return c.json(run);
	})
	.all("/:id", methodNotAllowed(["GET", "DELETE"]));
