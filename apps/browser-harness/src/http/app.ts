/** The harness's HTTP surface: health, pool state and scaling, browse, artifacts. */
import { Hono } from "hono";
import { artifacts } from "../routes/artifacts";
import { browse } from "../routes/browse";
import { pool } from "../routes/pool";
import { methodNotAllowed, onNotFound } from "@ow/http-errors";
import { onError } from "./errors";

/** Builds the Hono app; `index.ts` exports its `fetch`. */
export function createApp() {
	const app = new Hono<{ Bindings: Env }>();
	app.get("/health", (c) => c.json({ status: "ok" }));
	app.all("/health", methodNotAllowed(["GET"]));
	app.route("/pool", pool);
	app.route("/browse", browse);
	app.route("/artifacts", artifacts);
	app.onError(onError);
	app.notFound(onNotFound);
	return app;
}
