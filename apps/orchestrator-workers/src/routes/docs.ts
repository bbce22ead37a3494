/**
 * The API's description: `GET /openapi.json` (OpenAPI 3.1, generated from the routes) and the
 * reference page `GET /docs` with its script and stylesheet, each its own route so the page's CSP
 * allows no inline code.
 */
import { operation, textResponse } from "../openapi/operation";
import { Hono } from "hono";
import type { AppEnv } from "../http/app-env";
import { methodNotAllowed } from "@ow/http-errors";
import { DOCS_ASSETS, DOCS_CSP, DOCS_CSS, DOCS_HTML, DOCS_SCRIPT } from "../openapi/docs-page";
import { openApiDocument } from "../openapi/document";

// The assets change only with a deploy; revalidating keeps a deploy visible at once.
const ASSET_HEADERS = { "cache-control": "no-cache", "x-content-type-options": "nosniff" };

/**
 * The `/openapi.json` and `/docs` routes; mounted with `app.route("/", docs(app))` before the `/:id`
 * routes. The document is generated from `api`'s routes at the first request, when they are all there.
 */
export const docs = (api: Hono<AppEnv>) =>
	new Hono<AppEnv>()
		.get(
			"/openapi.json",
			operation({
				operationId: "openapi",
				tag: "operations",
				summary: "This document",
				responses: {
					200: { description: "OpenAPI 3.1.", body: { mediaType: "application/json", schema: { type: "object" } } },
				},
			}),
			async (c) => c.json(await openApiDocument(api)),
		)
		.all("/openapi.json", methodNotAllowed(["GET"]))
		.get(
			"/docs",
			operation({
				operationId: "docsPage",
				tag: "pages",
				summary: "API reference page",
				description: "Renders this document; asks for the API key when /openapi.json needs one.",
				public: true,
				responses: { 200: textResponse("text/html", "The page.") },
			}),
			(c) =>
				c.html(DOCS_HTML, 200, {
					...ASSET_HEADERS,
					"content-security-policy": DOCS_CSP,
					"referrer-policy": "no-referrer",
				}),
		)
		.all("/docs", methodNotAllowed(["GET"]))
		.get(
			DOCS_ASSETS.script,
			operation({
				operationId: "docsScript",
				tag: "pages",
				summary: "Script of the API reference page",
				public: true,
				responses: { 200: textResponse("text/javascript", "The script.") },
			}),
			(c) => c.body(DOCS_SCRIPT, 200, { ...ASSET_HEADERS, "content-type": "text/javascript; charset=utf-8" }),
		)
		.all(DOCS_ASSETS.script, methodNotAllowed(["GET"]))
		.get(
			DOCS_ASSETS.styles,
			operation({
				operationId: "docsStyles",
				tag: "pages",
				summary: "Styles of the API reference page",
				public: true,
				responses: { 200: textResponse("text/css", "The styles.") },
			}),
			(c) => c.body(DOCS_CSS, 200, { ...ASSET_HEADERS, "content-type": "text/css; charset=utf-8" }),
		)
		.all(DOCS_ASSETS.styles, methodNotAllowed(["GET"]));
