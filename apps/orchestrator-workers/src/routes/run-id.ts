/**
 * The `:id` path parameter of the run routes.
 */
import { zValidator } from "@hono/zod-validator";
import { z } from "zod";
import { RUN_ID_PATTERN } from "../runs/run-id";
import { notFound } from "../runs/run-state";

/** Validates the `:id` param; a malformed id names no run, so it is a 404 like an unknown one. */
export const runIdParam = zValidator("param", z.object({ id: z.string().regex(RUN_ID_PATTERN) }), (result, c) => {
	if (!result.success) throw notFound(c.req.param("id"));
});
