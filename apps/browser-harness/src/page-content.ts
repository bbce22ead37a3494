/**
 * Pure functions that turn what the page reader pulled out of a page into a `BrowsedPage`:
 * text truncation, link clean-up and bot-challenge / block-page detection. No browser here, so
 * they are unit-tested directly.
 */
import type { BrowsedPage, PageLink } from "@ow/schemas";

/** Most links a browse returns; pages with thousands of links would bloat the step result. */
export const MAX_LINKS = 200;
/** Longest link text kept. */
export const MAX_LINK_TEXT = 200;

/** The text as returned, and whether it was cut. */
export interface TruncatedText {
	text: string;
	truncated: boolean;
}

/**
 * Cuts `text` to `maxChars` and says so with a visible marker, so a model reading it never mistakes
 * a cut page for a complete one. `totalChars` is the length before any cut made in the page.
 */
export function truncateText(text: string, maxChars: number, totalChars = text.length): TruncatedText {
	if (totalChars <= maxChars && text.length <= maxChars) return { text, truncated: false };
	const kept = text.slice(0, maxChars).trimEnd();
	return { text: `${kept}\n\n[truncated: showing ${kept.length} of ${totalChars} characters]`, truncated: true };
}

/** Collapses runs of blank lines and trailing spaces that `innerText` leaves behind. */
export function tidyText(text: string): string {
	return text
		.replace(/[ \t\u00a0]+\n/g, "\n")
		.replace(/\n{3,}/g, "\n\n")
		.trim();
}

/**
 * Keeps http(s) links only, resolved against `baseUrl`, without fragments, deduplicated by href
 * (the first non-empty text wins), text collapsed and capped, at most `MAX_LINKS`.
 */
export function normalizeLinks(raw: ReadonlyArray<{ text: string; href: string }>, baseUrl: string): PageLink[] {
	const byHref = new Map<string, PageLink>();
	for (const link of raw) {
		let url: URL;
		try {
			url = new URL(link.href, baseUrl);
		} catch (_error) {
			continue; // an unparsable href is not a link a reader could follow
		}
		if (url.protocol !== "http:" && url.protocol !== "https:") continue;
		url.hash = "";
		const href = url.href;
		const text = link.text.replace(/\s+/g, " ").trim().slice(0, MAX_LINK_TEXT);
		const seen = byHref.get(href);
		if (seen) {
			if (!seen.text && text) seen.text = text;
			continue;
		}
		if (byHref.size >= MAX_LINKS) continue;
		byHref.set(href, { text, href });
	}
	return [...byHref.values()];
}

/** What the block detector looks at. */
export interface BlockSignals {
	/** HTTP status of the main document, null when unknown. */
	status: number | null;
	title: string;
	/** The page's visible text (may be truncated). */
	text: string;
	/** Challenge widgets found in the DOM (e.g. "recaptcha", "hcaptcha", "turnstile"). */
	captchaMarkers: string[];
}

const CHALLENGE_TITLE = [
	/^just a moment/i,
	/attention required/i,
	/^verify(ing)? (you are|that you are) (a )?human/i,
	/are you a (robot|human)/i,
	/security check/i,
	/ddos[- ]protection/i,
	/captcha/i,
	/^one more step/i,
];
const BLOCK_TITLE = [
	/access denied/i,
	/^403 forbidden/i,
	/^forbidden$/i,
	/request (was )?blocked/i,
	/too many requests/i,
	/you have been blocked/i,
];
const CHALLENGE_TEXT = [
	/checking (if the site connection is secure|your browser before accessing)/i,
	/verify (that )?you are (a )?human/i,
	/enable javascript and cookies to continue/i,
	/please complete the security check/i,
	/press (&|and) hold/i,
];
const BLOCK_TEXT = [
	/sorry, you have been blocked/i,
	/access to this page has been denied/i,
	/you don't have permission to access/i,
];
/** Challenge and block pages are short; long pages that merely mention "access denied" are content. */
const SHORT_PAGE_CHARS = 3_000;

/**
 * Says whether a page is a bot challenge or a block page rather than content, and why. A 403 or 429
 * main response is a block whatever the body says; a challenge title is enough on its own; text
 * phrases and captcha widgets count only on short pages.
 */
export function detectBlock(signals: BlockSignals): BrowsedPage["blocked"] {
	const { status, title, text, captchaMarkers } = signals;
	const titleText = title.trim();
	const challengeTitle = CHALLENGE_TITLE.find((pattern) => pattern.test(titleText));
	if (challengeTitle) return { kind: "challenge", reason: `challenge page title "${titleText.slice(0, 80)}"` };
	if (status === 403 || status === 429) return { kind: "blocked", reason: `HTTP ${status} from the site` };
	if (BLOCK_TITLE.some((pattern) => pattern.test(titleText))) {
		return { kind: "blocked", reason: `block page title "${titleText.slice(0, 80)}"` };
	}
	const short = text.length <= SHORT_PAGE_CHARS;
	if (!short) return null;
	if (captchaMarkers.length > 0)
		return { kind: "challenge", reason: `captcha on the page (${captchaMarkers.join(", ")})` };
	const phrase = CHALLENGE_TEXT.find((pattern) => pattern.test(text));
	if (phrase) return { kind: "challenge", reason: `challenge text matching ${phrase.source}` };
	const block = BLOCK_TEXT.find((pattern) => pattern.test(text));
	if (block) return { kind: "blocked", reason: `block text matching ${block.source}` };
	return null;
}
