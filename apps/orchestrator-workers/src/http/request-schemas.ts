/**
 * The queries, headers and batch body the routes validate and the OpenAPI document describes. Their
 * home is below both, so the document never imports a route. (Run requests themselves live in
 * `@ow/schemas`.)
 */
import { LABEL_KEY, MAX_LABEL_VALUE, MAX_LABELS, runRequestSchema, runStateSchema } from "@ow/schemas";
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

/** One `label=key:value` filter; the key cannot hold ":", so the first ":" splits it from the value. */
const labelFilterSchema = z.string().transform((text, ctx) => {
	const at = text.indexOf(":");
	const key = at < 0 ? text : text.slice(0, at);
	const value = at < 0 ? "" : text.slice(at + 1);
	if (at < 0 || !LABEL_KEY.test(key) || value.length > MAX_LABEL_VALUE) {
		ctx.addIssue({
			code: "custom",
			message: `label "${text.slice(0, 80)}" must be key:value, with a key of 1 to 63 characters of a-z, 0-9, "_", "." or "-" and a value of at most ${MAX_LABEL_VALUE} characters`,
		});
		return z.NEVER;
	}
	return { key, value };
});

/** `GET /runs`. */
export const listQuerySchema = z
	.object({
		status: runStateSchema.optional(),
		label: z
			.union([labelFilterSchema.transform((l) => [l]), z.array(labelFilterSchema).max(MAX_LABELS)])
			.optional()
			.describe("key:value; repeat for runs carrying every label"),
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

/** `GET /schedules`. */
export const scheduleListQuerySchema = z
	.object({
		limit: z.coerce.number().int().min(1).max(100).default(20),
		cursor: z.string().max(200).optional(),
	})
	.strict();

/** `POST /schedules/sweep`, which exists only with SCHEDULES_TEST_CLOCK=true. */
export const scheduleSweepSchema = z.object({ now: z.iso.datetime({ offset: true }) }).strict();
