/**
 * The HTTP API: one sub-app per resource, one error handler.
 */
import { Hono } from "hono";
import { browser } from "../routes/browser";
import { events } from "../routes/events";
import { lifecycle } from "../routes/lifecycle";
import { list } from "../routes/list";
import { runs } from "../routes/runs";
import { recovery } from "../runs/recovery";
import { methodNotAllowed, onError, onNotFound } from "./errors";

export type AppEnv = { Bindings: Env };

export function createApp() {
	const app = new Hono<AppEnv>();
	app.use(async (c, next) => {
		recovery.onFirstRequest(c.env, c.executionCtx);
		await next();
	});
	app.get("/health", (c) => c.json({ status: "ok" }));
	app.all("/health", methodNotAllowed(["GET"]));
	// Fixed paths before `/:id`: Hono tries routes in the order they are added.
	app.route("/runs", list);
	app.route("/", browser);
	app.route("/", events);
	app.route("/", lifecycle);
	app.route("/", runs);
	app.onError(onError);
	app.notFound(onNotFound);
	return app;
}
