/**
 * Runs: start one (`POST /`, idempotent with an `Idempotency-Key`), start many (`POST /batch`), and
 * read one (`GET /:id`).
 */
import { zValidator } from "@hono/zod-validator";
import { Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { runRequestSchema } from "@ow/schemas";
import { z } from "zod";
import { readConfig } from "../config";
import { OrchestratorError } from "../errors";
import type { AppEnv } from "../http/app";
import { methodNotAllowed, validationHook } from "../http/errors";
import { requireJson } from "../http/json-body";
import { readRunStatus } from "../registry/run-view";
import { recovery } from "../runs/recovery";
import { requireRun } from "../runs/run-state";
import {
	acceptRequest,
	admit,
	idempotentRunId,
	newRunId,
	requestHash,
	startRuns,
	type AcceptedRun,
} from "../runs/start-runs";
import { runIdParam } from "./run-id";

/** Most runs one `POST /batch` may start. */
export const MAX_BATCH = 100;

/** Rejects bodies over MAX_BODY_BYTES (or `factor` times it, for batches) with a 413 before parsing. */
const limitBody =
	(factor = 1): MiddlewareHandler<AppEnv> =>
	(c, next) => {
		const maxSize = readConfig(c.env).maxBodyBytes * factor;
		return bodyLimit({
			maxSize,
			onError: () => {
				throw new OrchestratorError("prompt-too-large", `The request body is larger than ${maxSize} bytes.`);
			},
		})(c, next);
	};

/** Printable ASCII, like the sf-string of the IETF Idempotency-Key draft: control bytes never reach a key. */
export const idempotencyKeySchema = z
	.string()
	.trim()
	.min(1)
	.max(200)
	.regex(/^[\x20-\x7e]+$/);
const links = (id: string) => ({ self: `/${id}`, events: `/${id}/events` });
export const batchSchema = z.object({ runs: z.array(runRequestSchema).min(1).max(MAX_BATCH) }).strict();

export const runs = new Hono<AppEnv>()
	.post("/", limitBody(), requireJson, zValidator("json", runRequestSchema, validationHook), async (c) => {
		const config = readConfig(c.env);
		const body = c.req.valid("json");
		const accepted = acceptRequest(config, body);
		const key = c.req.header("Idempotency-Key");
		if (key === undefined) {
			await admit(c.env.DB, config, 1);
			const run = { id: newRunId(), ...accepted };
			await startRuns(c.env, [run]);
			return c.json({ id: run.id, status: "queued" as const, links: links(run.id) }, 202, { Location: `/${run.id}` });
		}
		const parsedKey = idempotencyKeySchema.safeParse(key);
		if (!parsedKey.success)
			throw new OrchestratorError("invalid-request", "Idempotency-Key must be 1 to 200 printable ASCII characters.");
		const run: AcceptedRun = {
			id: await idempotentRunId(parsedKey.data),
			...accepted,
			idempotency: { key: parsedKey.data, requestHash: await requestHash(body) },
		};
		const existing = await findIdempotentRun(c.env.DB, run);
		if (existing)
			return c.json({ id: existing.id, status: existing.status, links: links(existing.id) }, 200, {
				Location: `/${run.id}`,
			});
		await admit(c.env.DB, config, 1);
		try {
			await startRuns(c.env, [run]);
		} catch (error) {
			// Two requests with the same key raced: the one that lost finds the winner's run.
			const winner = await findIdempotentRun(c.env.DB, run);
			if (winner) return c.json({ id: winner.id, status: winner.status, links: links(winner.id) }, 200);
			throw error;
		}
		return c.json({ id: run.id, status: "queued" as const, links: links(run.id) }, 202, { Location: `/${run.id}` });
	})
	.all("/", methodNotAllowed(["POST"]))
	.post("/batch", limitBody(MAX_BATCH), requireJson, zValidator("json", batchSchema, validationHook), async (c) => {
		const config = readConfig(c.env);
		const accepted = c.req
			.valid("json")
			.runs.map((body, i) => ({ id: newRunId(), ...acceptRequest(config, body, `runs.${i}.`) }));
		await admit(c.env.DB, config, accepted.length);
		await startRuns(c.env, accepted);
		return c.json({ runs: accepted.map((r) => ({ id: r.id, status: "queued" as const, links: links(r.id) })) }, 202);
	})
	.all("/batch", methodNotAllowed(["POST"]))
	.get("/:id", runIdParam, async (c) => {
		const run = await requireRun(c.env, c.req.valid("param").id);
		recovery.onRead(c.env, c.executionCtx, run);
		return c.json(run);
	})
	.all("/:id", methodNotAllowed(["GET", "DELETE"]));

/**
 * The run an earlier request with the same Idempotency-Key created; 409 when that request had
 * another body. Null when there is none.
 */
async function findIdempotentRun(db: D1Database, run: AcceptedRun) {
	const row = await db
		.prepare("SELECT request_hash FROM runs WHERE id = ?")
		.bind(run.id)
		.first<{ request_hash: string | null }>();
	if (!row) return null;
	if (row.request_hash !== run.idempotency?.requestHash) {
		throw new OrchestratorError("conflict", "This Idempotency-Key was already used with a different request body.", {
			details: { id: run.id },
		});
	}
	return readRunStatus(db, run.id);
}
