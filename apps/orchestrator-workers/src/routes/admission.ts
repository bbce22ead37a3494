/**
 * `GET /admission` and `POST /admission {open, reason?, retryAfterSeconds?}`: the admission switch.
 * Closed, new runs (`POST /`, `/batch`, schedules) get a 503 with Retry-After and the reason; runs
 * already started, and delayed runs waiting to start, go on. Behind the API key like every route.
 */
import { zValidator } from "@hono/zod-validator";
import { Hono } from "hono";
import { admissionRequestSchema } from "@ow/schemas";
import type { AppEnv } from "../http/app-env";
import { methodNotAllowed, validationHook } from "@ow/http-errors";
import { requireJson } from "../http/json-body";
import { logEvent } from "../log";
import { admissionState, setAdmission } from "../registry/admission-switch";

/** The `/admission` routes; mounted with `app.route("/", admission)` before the `/:id` routes. */
export const admission = new Hono<AppEnv>()
	.get("/admission", async (c) => c.json(await admissionState(c.env.DB)))
	.post("/admission", requireJson, zValidator("json", admissionRequestSchema, validationHook), async (c) => {
		const state = await setAdmission(c.env.DB, c.req.valid("json"));
		logEvent({ msg: state.open ? "admission opened" : "admission closed", reason: state.reason });
		return c.json(state);
	})
	.all("/admission", methodNotAllowed(["GET", "POST"]));
