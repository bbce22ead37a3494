/**
 * How a page is read in the browser: the script the harness's page reader runs in the page (title,
 * body text, links, captcha markers) and the schema of what it returns. Shared, so the browser
 * benchmark's bare load reads pages exactly as the harness does.
 */
import { z } from "zod";

/** What the script returns; checked, since the page can redefine what the script calls. */
export const extractedPageSchema = z.object({
	title: z.string(),
	text: z.string(),
	totalChars: z.number(),
	links: z.array(z.object({ text: z.string(), href: z.string() })).max(2_000),
	markers: z.array(z.string()),
});

/**
 * The in-page extraction, as source text: a function passed to `evaluate` would be rewritten by the
 * bundler (esbuild's `__name` helpers), which do not exist in the page. It reads a little more text
 * than `maxTextChars`, so the reader can cut at a tidy place and still know the page's full length.
 */
export function pageExtractionScript(maxTextChars: number): string {
	return `(() => {
	const body = document.body;
	const full = body ? String(body.innerText || "") : "";
	const links = [];
	for (const a of Array.from(document.querySelectorAll("a[href]")).slice(0, 2000)) {
		if (typeof a.href === "string") links.push({ text: String(a.innerText || a.textContent || "").slice(0, 400), href: a.href });
	}
	const markers = [];
	const has = (selector) => document.querySelector(selector) !== null;
	if (has('iframe[src*="recaptcha"], .g-recaptcha')) markers.push("recaptcha");
	if (has('iframe[src*="hcaptcha"], .h-captcha')) markers.push("hcaptcha");
	if (has('iframe[src*="challenges.cloudflare.com"], .cf-turnstile, #challenge-form, #cf-challenge-running')) markers.push("cloudflare-challenge");
	return { title: String(document.title || ""), text: full.slice(0, ${maxTextChars + 2000}), totalChars: full.length, links, markers };
})()`;
}
