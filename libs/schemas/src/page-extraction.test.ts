import { describe, expect, it } from "vitest";
import { extractedPageSchema, pageExtractionScript } from "./page-extraction";

describe("pageExtractionScript", () => {
	it("should be one expression that reads a little beyond the text limit", () => {
		const script = pageExtractionScript(1_000);
		expect(script.startsWith("(() => {")).toBe(true);
		expect(script.trimEnd().endsWith("})()")).toBe(true);
		expect(script).toContain("full.slice(0, 3000)");
		// Parses as JavaScript (the page evaluates it as source text).
		expect(() => new Function(`return ${script};`)).not.toThrow();
	});
});

describe("extractedPageSchema", () => {
	it("should accept what the script returns and refuse what a hostile page could make of it", () => {
		const reading = {
			title: "t",
			text: "x",
			totalChars: 1,
			links: [{ text: "a", href: "https://a.example/" }],
			markers: [],
		};
		expect(extractedPageSchema.parse(reading)).toEqual(reading);
		expect(extractedPageSchema.safeParse({ ...reading, text: 42 }).success).toBe(false);
		expect(extractedPageSchema.safeParse({ ...reading, links: Array(2_001).fill(reading.links[0]) }).success).toBe(
			false,
		);
	});
});
