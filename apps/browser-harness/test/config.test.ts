import { BROWSER_POOL_LIMITS } from "@ow/schemas";
import { describe, expect, it } from "vitest";
import { readConfig } from "../src/config";
import { BrowserHarnessError } from "../src/errors";

describe("readConfig", () => {
	it("should take the defaults for unset and empty vars", () => {
		const defaults = {
			allowPrivateUrls: false,
			poolSize: 2,
			maxTextChars: 20_000,
			screenshotMaxBytes: 600_000,
			sessionIdleMs: 60_000,
		};
		expect(readConfig({})).toMatchObject(defaults);
		expect(readConfig({ ALLOW_PRIVATE_URLS: "", BROWSER_POOL_SIZE: " ", ALLOWED_HOSTS: "" })).toMatchObject(defaults);
	});

	it("should read usable values, booleans in any case", () => {
		expect(
			readConfig({
				ALLOW_PRIVATE_URLS: "TRUE",
				BROWSER_POOL_SIZE: String(BROWSER_POOL_LIMITS.maxSize),
				MAX_TEXT_CHARS: "500",
				SCREENSHOT_MAX_BYTES: "700000",
				SESSION_IDLE_MS: "1000",
			}),
		).toMatchObject({
			allowPrivateUrls: true,
			poolSize: BROWSER_POOL_LIMITS.maxSize,
			maxTextChars: 500,
			screenshotMaxBytes: 700_000,
			sessionIdleMs: 1_000,
		});
		expect(readConfig({ ALLOW_PRIVATE_URLS: "false" }).allowPrivateUrls).toBe(false);
	});

	it.each([
		[{ ALLOW_PRIVATE_URLS: "yes" }, /ALLOW_PRIVATE_URLS must be "true" or "false", got "yes"/],
		[{ BROWSER_POOL_SIZE: "lots" }, /BROWSER_POOL_SIZE must be an integer from \d+ to \d+, got "lots"/],
		[{ BROWSER_POOL_SIZE: String(BROWSER_POOL_LIMITS.maxSize + 1) }, /BROWSER_POOL_SIZE must be an integer/],
		[{ MAX_TEXT_CHARS: "1.5" }, /MAX_TEXT_CHARS must be an integer from 500 to 500000, got "1.5"/],
		[{ SCREENSHOT_MAX_BYTES: "10" }, /SCREENSHOT_MAX_BYTES must be an integer from 20000 to 700000/],
		[{ SESSION_IDLE_MS: "-1" }, /SESSION_IDLE_MS must be an integer/],
		[{ ALLOWED_HOSTS: "docs.corp, *.corp" }, /ALLOWED_HOSTS entries must be host or host:port, got "\*\.corp"/],
	])("should refuse %j instead of falling back or clamping", (vars, message) => {
		let thrown: unknown;
		try {
			readConfig(vars);
		} catch (error) {
			thrown = error;
		}
		expect(BrowserHarnessError.isInstance(thrown)).toBe(true);
		expect(thrown).toMatchObject({ code: "config-invalid", message: expect.stringMatching(message) });
	});
});
