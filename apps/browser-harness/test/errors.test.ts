import { describe, expect, it } from "vitest";
import { BrowserHarnessError, toBrowseError } from "../src/errors";

describe("BrowserHarnessError.fromUnknown", () => {
	it.each([
		[
			Object.assign(new Error("Navigation timeout of 1000 ms exceeded"), { name: "TimeoutError" }),
			"navigation-timeout",
			true,
		],
		[new Error("net::ERR_CONNECTION_REFUSED at http://127.0.0.1:1/"), "navigation-failed", true],
		[new Error("net::ERR_NAME_NOT_RESOLVED at http://nowhere.test/"), "navigation-failed", true],
		[new Error("Unable to connect to existing session abc (it may still be in use)"), "session-lost", true],
		[new Error("Unable to create new browser: code: 429: message: Too many"), "rate-limited", true],
		[new Error("Unable to create new browser: code: 500: message: oops"), "browser-unavailable", true],
		[new Error("something else"), "internal", false],
		["a string", "internal", false],
	])("should map %s", (error, code, recoverable) => {
		expect(BrowserHarnessError.fromUnknown(error)).toMatchObject({ code, recoverable });
	});

	it("should keep our own errors as they are", () => {
		const error = new BrowserHarnessError("url-refused", "no");
		expect(BrowserHarnessError.fromUnknown(error)).toBe(error);
		expect(error).toMatchObject({ name: "BrowserHarnessError", status: 403, recoverable: false });
	});
});

describe("BrowserHarnessError.fromResponse", () => {
	it("should map a 429 to rate-limited", async () => {
		const error = await BrowserHarnessError.fromResponse(new Response("slow down", { status: 429 }), "launch");
		expect(error).toMatchObject({ code: "rate-limited", message: "launch: HTTP 429: slow down" });
	});
});

describe("toBrowseError", () => {
	it("should fold internal codes into the public ones", () => {
		expect(toBrowseError(new BrowserHarnessError("session-lost", "x"))).toEqual({
			code: "browser-unavailable",
			message: "x",
			retryable: true,
		});
		expect(toBrowseError(new BrowserHarnessError("url-refused", "y"))).toEqual({
			code: "url-refused",
			message: "y",
			retryable: false,
		});
	});

	it("should show an agent page that cannot be rebuilt as session-lost, not retryable", () => {
		expect(toBrowseError(new BrowserHarnessError("session-unreplayable", "z"))).toEqual({
			code: "session-lost",
			message: "z",
			retryable: false,
		});
	});
});
