/**
 * Runs: start one (`POST /`, idempotent with an `Idempotency-Key`), start many (`POST /batch`), and
 * read one (`GET /:id`).
 */
import { toJsonSchema } from "../openapi/components";
import { operation } from "../openapi/operation";
import { zValidator } from "@hono/zod-validator";
import { Hono } from "hono";
import { timing } from "hono/timing";
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
const location = { Location: { description: "The new run's status URL, `/{id}`.", schema: { type: "string" } } };
const serverTiming = {
	"Server-Timing": {
		description:
			"`total;dur=<ms>`: the Worker's own time on the read, from its handler starting to its answer. A client that waited much longer waited for the runtime to get to the request.",
		schema: { type: "string" },
	},
};

export const runs = new Hono<AppEnv>()
	.post(
		"/",
		operation({
			operationId: "startRun",
			tag: "runs",
			summary: "Start a run",
			description:
				"With an Idempotency-Key (kept IDEMPOTENCY_TTL_HOURS), a retry with the same body answers 200 with the run it started; another body with the same key is a 409. A request that failed (429, 503) started nothing and frees the key.",
			headers: [
				{
					name: "Idempotency-Key",
					description: "Makes retries safe: the same key and body start one run.",
					schema: toJsonSchema(idempotencyKeySchema, "input"),
				},
			],
			body: "RunRequest",
			responses: {
				200: {
					description: "A retry: the run this Idempotency-Key already started.",
					body: "RunAccepted",
					headers: location,
				},
				202: {
					description: "The run is queued, or `scheduled` when `options.startAt` or `options.delaySeconds` delays it.",
					body: "RunAccepted",
					headers: location,
				},
			},
			errors: [400, 409, 413, 429, 503],
		}),
		limitBody(),
		requireJson,
		zValidator("json", runRequestSchema, validationHook),
		async (c) => {
			const config = readConfig(c.env);
			const body = c.req.valid("json");
			const accepted = acceptRequest(config, body, "", deploymentPricing(c.env));
			const key = c.req.header("Idempotency-Key");
			if (key === undefined) {
				const run = { id: newRunId(), ...accepted };
				await startRuns(c.env, config, [run]);
				return c.json({ id: run.id, status: initialStatus(run), links: links(run.id) }, 202, {
					Location: `/${run.id}`,
				});
			}
			const parsedKey = idempotencyKeySchema.safeParse(key);
			if (!parsedKey.success)
				throw new OrchestratorError("invalid-request", "Idempotency-Key must be 1 to 200 printable ASCII characters.");
			const run = await startIdempotentRun(c.env, config, parsedKey.data, await requestHash(body), accepted);
			return c.json({ id: run.id, status: run.status, links: links(run.id) }, run.replayed ? 200 : 202, {
				Location: `/${run.id}`,
			});
		},
	)
	.all("/", methodNotAllowed(["POST"]))
	.post(
		"/batch",
		operation({
			operationId: "startRuns",
			tag: "runs",
			summary: "Start up to 100 runs",
			description:
				"All or none: 429 when the runs would not all fit under MAX_ACTIVE_RUNS (none is started), 400 when the batch is larger than MAX_ACTIVE_RUNS.",
			body: "BatchRequest",
			responses: { 202: { description: "The runs are queued.", body: "BatchAccepted" } },
			errors: [400, 413, 429, 503],
		}),
		limitBody(MAX_BATCH),
		requireJson,
		zValidator("json", batchSchema, validationHook),
		async (c) => {
			const config = readConfig(c.env);
			const accepted = c.req.valid("json").runs.map((body, i) => ({
				id: newRunId(),
				...acceptRequest(config, body, `runs.${i}.`, deploymentPricing(c.env)),
			}));
			await startRuns(c.env, config, accepted);
			return c.json({ runs: accepted.map((r) => ({ id: r.id, status: initialStatus(r), links: links(r.id) })) }, 202);
		},
	)
	.all("/batch", methodNotAllowed(["POST"]))
	.get(
		"/:id",
		operation({
			operationId: "getRun",
			tag: "runs",
			summary: "A run's status",
			description:
				"Plan, subtasks (state, attempts, timings, output or error), result, usage and timings, also while in flight.",
			responses: { 200: { description: "The run.", body: "RunStatus", headers: serverTiming } },
			errors: [404],
		}),
		runIdParam,
		timing({ totalDescription: "the Worker's time on the read" }),
		async (c) => {
			const run = await requireRun(c.env, c.req.valid("param").id);
			recovery.onRead(c.env, c.executionCtx, run);
			return c.json(run);
		},
	)
	.all("/:id", methodNotAllowed(["GET", "DELETE"]));
