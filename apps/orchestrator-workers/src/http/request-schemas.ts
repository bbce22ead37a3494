/**
 * The queries, headers and batch body the routes validate and the OpenAPI document describes. Their
 * home is below both, so the document never imports a route. (Run requests themselves live in
 * `@ow/schemas`.)
 */
import { runRequestSchema, runStateSchema } from "@ow/schemas";
import { z } from "zod";

/** Most runs one `POST /batch` may start. */
export const MAX_BATCH = 100;

export const batchSchema = z.object({ runs: z.array(runRequestSchema).min(1).max(MAX_BATCH) }).strict();

/** Printable ASCII, like the sf-string of the IETF Idempotency-Key draft: control bytes never reach a key. */
export const idempotencyKeySchema = z
	.string()
	.trim()
	.min(1)
	.max(200)
	.regex(/^[\x20-\x7e]+$/);

/** `GET /runs`. */
export const listQuerySchema = z
	.object({
		status: runStateSchema.optional(),
		limit: z.coerce.number().int().min(1).max(100).default(20),
		cursor: z.string().max(200).optional(),
	})
	.strict();

/** `POST /:id/restart`. */
export const restartQuerySchema = z
	.object({
		from: z
			.string()
			.regex(/^(synthesise|subtask:[a-z0-9][a-z0-9-]{0,39})$/)
			.optional(),
	})
	.strict();

/** `DELETE /:id` cancels; with `?purge=true` it deletes a finished run and everything stored for it. */
export const deleteQuerySchema = z.object({ purge: z.enum(["true", "false"]).optional() }).strict();
