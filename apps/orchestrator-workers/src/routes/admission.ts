/**
 * `GET /admission` and `POST /admission {open, reason?, retryAfterSeconds?}`: the admission switch.
 * Closed, new runs (`POST /`, `/batch`, schedules) get a 503 with Retry-After and the reason; runs
 * already started, and delayed runs waiting to start, go on. Behind the API key like every route.
 */
import { operation } from "../openapi/operation";
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
	.get(
		"/admission",
		operation({
			operationId: "getAdmission",
			tag: "operations",
			summary: "The admission switch",
			description: "Whether new runs are admitted, and why not while closed.",
			responses: { 200: { description: "The switch.", body: "AdmissionState" } },
		}),
		async (c) => c.json(await admissionState(c.env.DB)),
	)
	.post(
		"/admission",
		operation({
			operationId: "setAdmission",
			tag: "operations",
			summary: "Open or close admission",
			description:
				"`{open: false, reason?, retryAfterSeconds?}` stops new runs (`POST /`, `POST /batch`, schedules): they get a 503 `admission-closed` with Retry-After and the reason. Runs already started, and delayed runs, go on. `{open: true}` reopens. Kept in D1, so it holds across restarts.",
			body: "AdmissionRequest",
			responses: { 200: { description: "The switch as set.", body: "AdmissionState" } },
			errors: [400],
		}),
		requireJson,
		zValidator("json", admissionRequestSchema, validationHook),
		async (c) => {
			const state = await setAdmission(c.env.DB, c.req.valid("json"));
			logEvent({ msg: state.open ? "admission opened" : "admission closed", reason: state.reason });
			return c.json(state);
		},
	)
	.all("/admission", methodNotAllowed(["GET", "POST"]));
