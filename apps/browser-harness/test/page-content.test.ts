import { describe, expect, it } from "vitest";
import { detectBlock, MAX_LINKS, normalizeLinks, tidyText, truncateText } from "../src/page-content";

const page = { status: 200, title: "Pricing", text: "Plans start at $5.", captchaMarkers: [] };

describe("detectBlock", () => {
	it.each([
		["Just a moment...", "challenge"],
		["Attention Required! | Cloudflare", "challenge"],
		["Access denied", "blocked"],
		["Verify you are human", "challenge"],
		["hCaptcha challenge", "challenge"],
	])("should flag the title %s", (title, kind) => {
		expect(detectBlock({ ...page, title })).toMatchObject({ kind });
	});

	it.each([403, 429])("should report an HTTP %s main response as blocked", (status) => {
		expect(detectBlock({ ...page, status })).toEqual({ kind: "blocked", reason: `HTTP ${status} from the site` });
	});

	it("should flag a short page with a captcha widget", () => {
		expect(detectBlock({ ...page, captchaMarkers: ["recaptcha"] })).toMatchObject({ kind: "challenge" });
	});

	it("should flag challenge text on a short page", () => {
		const text = "Checking your browser before accessing example.com. Enable JavaScript and cookies to continue.";
		expect(detectBlock({ ...page, title: "", text })).toMatchObject({ kind: "challenge" });
	});

	it("should flag block text on a short page", () => {
		expect(detectBlock({ ...page, title: "", text: "Sorry, you have been blocked" })).toMatchObject({
			kind: "blocked",
		});
	});

	it("should leave long articles that mention access denied alone", () => {
		const text = `${"An article about HTTP errors. ".repeat(200)} Sorry, you have been blocked, it said.`;
		expect(detectBlock({ ...page, text, captchaMarkers: ["recaptcha"] })).toBeNull();
	});

	it("should pass an ordinary page", () => {
		expect(detectBlock(page)).toBeNull();
	});
});

describe("truncateText", () => {
	it("should keep short text as it is", () => {
		expect(truncateText("hello", 10)).toEqual({ text: "hello", truncated: false });
	});

	it("should cut long text with a visible marker", () => {
		const { text, truncated } = truncateText("a".repeat(50), 10);
		expect(truncated).toBe(true);
		expect(text).toBe(`${"a".repeat(10)}\n\n[truncated: showing 10 of 50 characters]`);
	});

	it("should report the page's full length when the page already cut the text", () => {
		expect(truncateText("a".repeat(12), 10, 5_000).text).toMatch(/showing 10 of 5000 characters/);
	});
});

describe("tidyText", () => {
	it("should collapse blank runs and trailing spaces", () => {
		expect(tidyText("  a  \n\n\n\nb \t\nc  ")).toBe("a\n\nb\nc");
	});
});

describe("normalizeLinks", () => {
	it("should resolve, dedupe, drop fragments and non-http links", () => {
		const links = normalizeLinks(
			[
				{ text: "", href: "/a#top" },
				{ text: "  A \n page ", href: "https://site.test/a" },
				{ text: "mail", href: "mailto:x@site.test" },
				{ text: "js", href: "javascript:void(0)" },
				{ text: "B", href: "b?x=1" },
			],
			"https://site.test/dir/",
		);
		expect(links).toEqual([
			{ text: "A page", href: "https://site.test/a" },
			{ text: "B", href: "https://site.test/dir/b?x=1" },
		]);
	});

	it("should cap the number of links", () => {
		const raw = Array.from({ length: MAX_LINKS + 50 }, (_, i) => ({ text: `${i}`, href: `https://site.test/${i}` }));
		expect(normalizeLinks(raw, "https://site.test/")).toHaveLength(MAX_LINKS);
	});
});
