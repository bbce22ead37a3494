import { describe, expect, it } from "vitest";
import { BROWSE_LIMITS, browseRequestSchema, browseResultSchema, type BrowsedPage } from "./browser-task";

const page: BrowsedPage = {
	requestedUrl: "https://example.com",
	finalUrl: "https://example.com/",
	title: "Example",
	text: "Example Domain",
	truncated: false,
	links: [{ text: "More", href: "https://iana.org" }],
	screenshotKey: null,
	blocked: null,
};

const failure = { ok: false, error: { code: "navigation-timeout", message: "timed out", retryable: true } };

describe("browseResultSchema", () => {
	it("should accept a success carrying a page", () => {
		expect(browseResultSchema.parse({ ok: true, page })).toEqual({ ok: true, page });
	});

	it("should accept a failure carrying an error", () => {
		expect(browseResultSchema.parse(failure)).toEqual(failure);
	});

	it("should reject ok: true carrying only an error", () => {
		expect(browseResultSchema.safeParse({ ...failure, ok: true }).success).toBe(false);
	});

	it("should reject ok: false carrying only a page", () => {
		expect(browseResultSchema.safeParse({ ok: false, page }).success).toBe(false);
	});

	it("should reject a result without ok", () => {
		const { ok: _ok, ...withoutOk } = failure;
		expect(browseResultSchema.safeParse(withoutOk).success).toBe(false);
	});

	it("should reject an unknown error code", () => {
		const result = browseResultSchema.safeParse({ ok: false, error: { ...failure.error, code: "teapot" } });
		expect(result.success).toBe(false);
	});

	it("should narrow the type on ok", () => {
		const result = browseResultSchema.parse(failure);
		expect(result.ok ? result.page.title : result.error.code).toBe("navigation-timeout");
	});
});

describe("browseRequestSchema", () => {
	it("should accept a request with only a url", () => {
		expect(browseRequestSchema.safeParse({ url: "https://example.com" }).success).toBe(true);
	});

	it.each([BROWSE_LIMITS.minTimeoutMs - 1, BROWSE_LIMITS.maxTimeoutMs + 1])(
		"should reject timeoutMs %s",
		(timeoutMs) => {
			expect(browseRequestSchema.safeParse({ url: "https://example.com", timeoutMs }).success).toBe(false);
		},
	);

	it("should reject a priority above the maximum", () => {
		const request = { url: "https://example.com", priority: BROWSE_LIMITS.maxPriority + 1 };
		expect(browseRequestSchema.safeParse(request).success).toBe(false);
	});
});
