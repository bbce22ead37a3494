/**
 * `GET /metrics`: Prometheus text exposition format 0.0.4, computed from the run registry and the
 * browser harness at scrape time.
 */
import { operation, textResponse } from "../openapi/operation";
import { Hono } from "hono";
import type { AppEnv } from "../http/app-env";
import { methodNotAllowed } from "@ow/http-errors";
import { EXPOSITION_CONTENT_TYPE } from "../metrics/exposition";
import { scrapeMetrics } from "../metrics/scrape";

/** The `/metrics` route; mounted with `app.route("/", metrics)` before the `/:id` routes. */
export const metrics = new Hono<AppEnv>()
	.get(
		"/metrics",
		operation({
			operationId: "metrics",
			tag: "operations",
			summary: "Prometheus metrics",
			description:
				"Text exposition format 0.0.4, computed from the run registry and the browser harness at scrape time: runs by status, subtasks by executor and outcome, step-duration histograms, model calls and tokens, browser pool gauges.",
			responses: { 200: textResponse("text/plain; version=0.0.4", "The metrics.") },
		}),
		async (c) =>
			c.body(await scrapeMetrics(c.env), 200, { "content-type": EXPOSITION_CONTENT_TYPE, "cache-control": "no-store" }),
	)
	.all("/metrics", methodNotAllowed(["GET"]));
