/**
 * The web page: `GET /ui`, its script and stylesheet, and `GET /` for browsers (an Accept header that
 * prefers text/html). Every other `GET /` falls through to the API. Mount it before the runs sub-app.
 */
import { Hono, type Context } from "hono";
import type { AppEnv } from "../http/app-env";
import { methodNotAllowed } from "@ow/http-errors";
import { prefersHtml } from "../http/prefers-html";
import { CONTENT_SECURITY_POLICY, UI_ASSETS, UI_PATHS, type UiAsset } from "../ui/assets";

/** Answers with an asset, or 304 when the client's copy is current; `no-cache` makes it always ask. */
function serve(c: Context<AppEnv>, asset: UiAsset, headers: Record<string, string> = {}) {
	const common = {
		"cache-control": "no-cache",
		etag: asset.etag,
		"x-content-type-options": "nosniff",
		"referrer-policy": "no-referrer",
		...headers,
	};
	const ifNoneMatch = c.req.header("if-none-match");
	if (ifNoneMatch?.split(",").some((tag) => tag.trim() === asset.etag)) return c.body(null, 304, common);
	return c.body(asset.body, 200, { "content-type": asset.contentType, ...common });
}

const servePage = (c: Context<AppEnv>, headers: Record<string, string> = {}) =>
	serve(c, UI_ASSETS.page, { "content-security-policy": CONTENT_SECURITY_POLICY, ...headers });

/** The web page's routes; mounted with `app.route("/", ui)` before `runs`, which owns `GET /` otherwise. */
export const ui = new Hono<AppEnv>()
	.get(UI_PATHS.page, (c) => servePage(c))
	.all(UI_PATHS.page, methodNotAllowed(["GET"]))
	.get(UI_PATHS.script, (c) => serve(c, UI_ASSETS.script))
	.all(UI_PATHS.script, methodNotAllowed(["GET"]))
	.get(UI_PATHS.styles, (c) => serve(c, UI_ASSETS.styles))
	.all(UI_PATHS.styles, methodNotAllowed(["GET"]))
	.get("/", async (c, next) => {
		// The answer depends on Accept, for the page and the API's answer alike.
		c.header("vary", "Accept");
		if (prefersHtml(c)) return servePage(c);
		await next();
	});
