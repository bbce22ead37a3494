/** `GET /pool` and `POST /pool/scale`: the session pool's state and size. */
import { zValidator } from "@hono/zod-validator";
import { poolScaleRequestSchema } from "@ow/schemas";
import { Hono } from "hono";
import { methodNotAllowed, validationHook } from "@ow/http-errors";
import { POOL_NAME } from "../session-pool";

/** The pool sub-app, mounted at `/pool`. */
export const pool = new Hono<{ Bindings: Env }>()
	.get("/", async (c) => c.json(await c.env.SESSION_POOL.getByName(POOL_NAME).stats()))
	.all("/", methodNotAllowed(["GET"]))
	.post("/scale", zValidator("json", poolScaleRequestSchema, validationHook), async (c) => {
		const { size } = c.req.valid("json");
		return c.json(await c.env.SESSION_POOL.getByName(POOL_NAME).scale(size));
	})
	.all("/scale", methodNotAllowed(["POST"]));
