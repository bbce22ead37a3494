/**
 * Content negotiation between the web page and the API on `GET /`. Shared by the page's route and the
 * API-key check, which lets the page through without a key.
 */
import type { Context } from "hono";
import { accepts } from "hono/accepts";

/**
 * True when the Accept header ranks text/html above JSON, as a browser's navigation does. A wildcard
 * alone (curl's default) or no header keeps the API's answer.
 */
export const prefersHtml = (c: Context) =>
	accepts(c, { header: "Accept", supports: ["application/json", "text/html"], default: "application/json" }) ===
	"text/html";
