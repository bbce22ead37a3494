/**
 * The API's description: `GET /openapi.json` (OpenAPI 3.1, built from the request schemas) and the
 * reference page `GET /docs` with its script and stylesheet, each its own route so the page's CSP
 * allows no inline code.
 */
import { Hono } from "hono";
import type { AppEnv } from "../http/app-env";
import { methodNotAllowed } from "@ow/http-errors";
import { DOCS_ASSETS, DOCS_CSP, DOCS_CSS, DOCS_HTML, DOCS_SCRIPT } from "../openapi/docs-page";
import { openApiDocument } from "../openapi/document";

// The assets change only with a deploy; revalidating keeps a deploy visible at once.
const ASSET_HEADERS = { "cache-control": "no-cache", "x-content-type-options": "nosniff" };

/** The `/openapi.json` and `/docs` routes; mounted with `app.route("/", docs)` before the `/:id` routes. */
export const docs = new Hono<AppEnv>()
	.get("/openapi.json", (c) => c.json(openApiDocument()))
	.all("/openapi.json", methodNotAllowed(["GET"]))
	.get("/docs", (c) =>
		c.html(DOCS_HTML, 200, {
			...ASSET_HEADERS,
			"content-security-policy": DOCS_CSP,
			"referrer-policy": "no-referrer",
		}),
	)
	.all("/docs", methodNotAllowed(["GET"]))
	.get(DOCS_ASSETS.script, (c) =>
		c.body(DOCS_SCRIPT, 200, { ...ASSET_HEADERS, "content-type": "text/javascript; charset=utf-8" }),
	)
	.all(DOCS_ASSETS.script, methodNotAllowed(["GET"]))
	.get(DOCS_ASSETS.styles, (c) =>
		c.body(DOCS_CSS, 200, { ...ASSET_HEADERS, "content-type": "text/css; charset=utf-8" }),
	)
	.all(DOCS_ASSETS.styles, methodNotAllowed(["GET"]));
