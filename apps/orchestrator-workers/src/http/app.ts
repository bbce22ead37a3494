/**
 * The HTTP API: one sub-app per resource, one error handler.
 */
import { Hono } from "hono";
import { runs } from "../routes/runs";
import { methodNotAllowed, onError, onNotFound } from "./errors";

export type AppEnv = { Bindings: Env };

export function createApp() {
	const app = new Hono<AppEnv>();
	app.get("/health", (c) => c.json({ status: "ok" }));
	app.all("/health", methodNotAllowed(["GET"]));
	app.route("/", runs);
	app.onError(onError);
	app.notFound(onNotFound);
	return app;
}
