/**
 * Run ids: `run_` + a time part + a random part. Never reused (Workflows instance ids must be unique),
 * and they sort by creation time, which keeps listings and logs in order.
 */
import { zValidator } from "@hono/zod-validator";
import { z } from "zod";
import { notFound } from "../runs/run-state";

export const RUN_ID_PATTERN = /^run_[0-9a-z]{20,40}$/;

/** A new, unique run id. */
export function newRunId(now = Date.now()): string {
	const time = now.toString(36).padStart(10, "0");
	const random = Array.from(crypto.getRandomValues(new Uint8Array(10)), (b) => (b % 36).toString(36)).join("");
	return `run_${time}${random}`;
}

/** Validates the `:id` param; a malformed id names no run, so it is a 404 like an unknown one. */
export const runIdParam = zValidator("param", z.object({ id: z.string().regex(RUN_ID_PATTERN) }), (result, c) => {
	if (!result.success) throw notFound(c.req.param("id"));
});
