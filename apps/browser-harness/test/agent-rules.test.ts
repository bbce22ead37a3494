import { describe, expect, it } from "vitest";
import { allowedOriginsOf, checkAction, navigationRefusal } from "../src/agent-rules";
import { action } from "./fakes";

const strict = { allowPrivate: false };
const origins = new Set(["https://shop.example.com"]);

describe("allowedOriginsOf", () => {
	it("should hold the start URL's origin and each allowed one, normalised", () => {
		const found = allowedOriginsOf(new URL("https://shop.example.com/a?b"), [
			"https://Docs.Example.com/guide",
			"http://cdn.example.com:80",
		]);
		expect([...found]).toEqual(["https://shop.example.com", "https://docs.example.com", "http://cdn.example.com"]);
	});

	it.each(["docs.example.com", "ftp://files.example.com", "javascript:alert(1)", ""])(
		"should refuse %j with invalid-request",
		(entry) => {
			expect(() => allowedOriginsOf(new URL("https://shop.example.com/"), [entry])).toThrow(
				expect.objectContaining({ code: "invalid-request" }),
			);
		},
	);
});

describe("navigationRefusal", () => {
	it("should allow the same origin", () => {
		expect(navigationRefusal(new URL("https://shop.example.com/cart"), origins, strict)).toBeNull();
	});

	it("should refuse another origin, also a different port or scheme of the same host", () => {
		for (const url of ["https://evil.example/", "https://shop.example.com:8443/", "http://shop.example.com/"])
			expect(navigationRefusal(new URL(url), origins, strict)).toMatch(/is another site/);
	});

	it("should refuse a private address even when its origin is allowed", () => {
		const local = new Set(["http://127.0.0.1:8080"]);
		expect(navigationRefusal(new URL("http://127.0.0.1:8080/"), local, strict)).toMatch(/not a public address/);
		expect(navigationRefusal(new URL("http://127.0.0.1:8080/"), local, { allowPrivate: true })).toBeNull();
	});
});

describe("checkAction", () => {
	const context = { elements: [], pageUrl: "https://shop.example.com/a/b", origins, policy: strict };

	it("should resolve a relative navigate against the page", () => {
		const verdict = checkAction(action("navigate", { url: "../c?d=1" }), context);
		expect(verdict).toMatchObject({ verdict: "ok", target: new URL("https://shop.example.com/c?d=1") });
	});

	it("should refuse a ref that is not one the harness hands out", () => {
		const elements = [{ ref: "x]", role: "button", name: "B", tag: "button", inputType: null, value: null }];
		const verdict = checkAction(action("click", { ref: "x]" }), { ...context, elements });
		expect(verdict).toMatchObject({
			verdict: "refused",
			reason: expect.stringMatching(/not in the current element list/),
		});
	});

	it("should call null and schema-breaking answers unusable, not refused", () => {
		expect(checkAction(null, context)).toMatchObject({ verdict: "unusable" });
		expect(checkAction({ type: "click" }, context)).toMatchObject({ verdict: "unusable" });
	});

	it("should allow done without text, and scroll without a ref", () => {
		expect(checkAction(action("done"), context)).toMatchObject({ verdict: "ok" });
		expect(checkAction(action("scroll", { text: "up" }), context)).toMatchObject({ verdict: "ok" });
	});
});
