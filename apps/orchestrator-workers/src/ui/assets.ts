/**
 * The web page's three assets as served: the page, its script and its stylesheet, each with its
 * content type and an ETag. The page has no inline script or style, so the Content-Security-Policy
 * allows scripts, styles and connections from the page's own origin only.
 */
import { APP_CSS } from "./app-css";
import { CLIENT_CORE } from "./client-core";
import { CLIENT_RENDER } from "./client-render";
import { CLIENT_RUN } from "./client-run";
import { CLIENT_RUNS } from "./client-runs";
import { PAGE_HTML } from "./page-html";

/** One asset: its body, `content-type` and a strong ETag of the body. */
export interface UiAsset {
	body: string;
	contentType: string;
	etag: string;
}

/** Paths of the script and the stylesheet; the page's HTML names the same ones. */
export const UI_PATHS = { page: "/ui", script: "/ui/app.js", styles: "/ui/app.css" } as const;

/**
 * The page's policy: nothing from other origins, nothing inline, no framing. `img-src data:` is for the
 * empty favicon, which keeps browsers from asking the API for `/favicon.ico`; `blob:` for the run's
 * timeline, fetched with the API key and shown from a blob URL.
 */
export const CONTENT_SECURITY_POLICY = [
	"default-src 'none'",
	"script-src 'self'",
	"style-src 'self'",
	"connect-src 'self'",
	"img-src 'self' data: blob:",
	"base-uri 'none'",
	"form-action 'self'",
	"frame-ancestors 'none'",
].join("; ");

/** FNV-1a over UTF-16 code units: enough to tell versions of a constant apart, computed once at load. */
function fnv1a(text: string): string {
	let hash = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) {
		hash ^= text.charCodeAt(i);
		hash = Math.imul(hash, 0x01000193);
	}
	return (hash >>> 0).toString(36) + text.length.toString(36);
}

const asset = (body: string, contentType: string): UiAsset => ({ body, contentType, etag: `"${fnv1a(body)}"` });

/** The assets; the script's parts share one strict-mode scope and run after the page is parsed (`defer`). */
export const UI_ASSETS = {
	page: asset(PAGE_HTML, "text/html; charset=utf-8"),
	script: asset(
		`"use strict";\n(() => {\n${CLIENT_CORE}\n${CLIENT_RUN}\n${CLIENT_RENDER}\n${CLIENT_RUNS}\n})();\n`,
		"text/javascript; charset=utf-8",
	),
	styles: asset(APP_CSS, "text/css; charset=utf-8"),
} satisfies Record<string, UiAsset>;
