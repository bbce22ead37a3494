/**
 * The web page: `GET /ui`, its script and stylesheet, and `GET /` for browsers (an Accept header that
 * prefers text/html). Every other `GET /` falls through to the API. Mount it before the runs sub-app.
 *
 * The files are Workers Static Assets built from `web/`. The Worker runs first for every request
 * (`run_worker_first`), so the page's paths keep the API's rules (the API key, JSON errors for other
 * methods) and hand GET to the `ASSETS` binding, which brings the content types, ETags with 304s, and
 * the headers of `web/_headers`: the page's Content-Security-Policy and `no-cache`.
 */
import { operation, textResponse } from "../openapi/operation";
import { Hono, type Context } from "hono";
import type { AppEnv } from "../http/app-env";
import { methodNotAllowed } from "@ow/http-errors";
import { prefersHtml } from "../http/prefers-html";
import { UI_PATHS } from "../ui/paths";

/** The asset at `path`, answered for `c`'s request (its method and conditional headers). */
async function asset(c: Context<AppEnv>, path: string): Promise<Response> {
	const url = new URL(path, c.req.url);
	const res = await c.env.ASSETS.fetch(new Request(url, { method: c.req.method, headers: c.req.raw.headers }));
	// A fetched response's headers are immutable; middleware that runs after the route may add some.
	return new Response(res.body, res);
}

/** The web page's routes; mounted with `app.route("/", ui)` before `runs`, which owns `GET /` otherwise. */
export const ui = new Hono<AppEnv>()
	.get(
		UI_PATHS.page,
		operation({
			operationId: "uiPage",
			tag: "pages",
			summary: "Web page to start and watch runs",
			description: "Holds no data; asks for the API key itself.",
			public: true,
			responses: {
				200: textResponse("text/html", "The page."),
				304: { description: "The client's copy (If-None-Match) is current." },
			},
		}),
		(c) => asset(c, UI_PATHS.page),
	)
	.all(UI_PATHS.page, methodNotAllowed(["GET"]))
	.get(
		UI_PATHS.script,
		operation({
			operationId: "uiScript",
			tag: "pages",
			summary: "Script of the web page",
			public: true,
			responses: {
				200: textResponse("text/javascript", "The script."),
				304: { description: "The client's copy is current." },
			},
		}),
		(c) => asset(c, UI_PATHS.script),
	)
	.all(UI_PATHS.script, methodNotAllowed(["GET"]))
	.get(
		UI_PATHS.styles,
		operation({
			operationId: "uiStyles",
			tag: "pages",
			summary: "Styles of the web page",
			public: true,
			responses: {
				200: textResponse("text/css", "The styles."),
				304: { description: "The client's copy is current." },
			},
		}),
		(c) => asset(c, UI_PATHS.styles),
	)
	.all(UI_PATHS.styles, methodNotAllowed(["GET"]))
	.get(
		"/",
		operation({
			operationId: "uiHome",
			tag: "pages",
			summary: "The web page, for browsers",
			description:
				"Only for an Accept header that prefers text/html (a browser's navigation); any other GET / is a 405 (POST / starts a run).",
			public: true,
			responses: { 200: textResponse("text/html", "The page."), 304: { description: "The client's copy is current." } },
		}),
		async (c, next) => {
			// The answer depends on Accept, for the page and the API's answer alike.
			c.header("vary", "Accept");
			if (!prefersHtml(c)) return next();
			const page = await asset(c, UI_PATHS.page);
			page.headers.set("vary", "Accept");
			return page;
		},
	);
