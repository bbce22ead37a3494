/**
 * The HTTP API: one sub-app per resource, one error handler.
 */
import { operation } from "../openapi/operation";

import { Hono } from "hono";
import { admission } from "../routes/admission";
import { browser } from "../routes/browser";
import { budget } from "../routes/budget";
import { docs } from "../routes/docs";
import { events } from "../routes/events";
import { instance } from "../routes/instance";
import { timeline } from "../routes/timeline";
import { lifecycle } from "../routes/lifecycle";
import { list } from "../routes/list";
import { metrics } from "../routes/metrics";
import { runs } from "../routes/runs";
import { schedules } from "../routes/schedules";
import { ui } from "../routes/ui";
import { recovery } from "../runs/recovery";
import type { AppEnv } from "./app-env";
import { requireApiKey } from "./auth";
import { corsMiddleware } from "./cors";
import { methodNotAllowed, onNotFound } from "@ow/http-errors";
import { onError } from "./errors";
import { limitHeaders } from "./header-limits";

export function createApp() {
	const app = new Hono<AppEnv>();
	// CORS preflights first, then the limits and the API key: a request that is refused starts no work at all.
	app.use(corsMiddleware);
	app.use(limitHeaders);
	app.use(requireApiKey);
	app.use(async (c, next) => {
		recovery.onRequest(c.env, c.executionCtx);
		await next();
	});
	app.get(
		"/health",
		operation({
			operationId: "health",
			tag: "operations",
			summary: "Liveness",
			public: true,
			responses: { 200: { description: "The Worker is up.", body: "Health" } },
		}),
		(c) => c.json({ status: "ok" }),
	);
	app.all("/health", methodNotAllowed(["GET"]));
	// Fixed paths before `/:id`: Hono tries routes in the order they are added.
	app.route("/", metrics);
	app.route("/", admission);
	app.route("/", docs(app));
	app.route("/", ui); // the web page; GET / only for browsers, so it comes before the API's `/`
	app.route("/runs", list);
	app.route("/schedules", schedules);
	app.route("/", browser);
	app.route("/", events);
	app.route("/", instance);
	app.route("/", timeline);
	app.route("/", budget);
	app.route("/", lifecycle);
	app.route("/", runs);
	app.onError(onError);
	app.notFound(onNotFound);
	return app;
}
