import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { browse } from "../src/browse";
import { BrowserHarnessError, toBrowseError } from "../src/errors";

// Agent mode up to the point where a browser would be needed: these requests all end before any
// session is touched (the test pool has no Chromium; the e2e target drives the loop in a real one).
const decide = async () => null;

describe("browse in agent mode, before any browser", () => {
	it("should take the callbacks over RPC and refuse a private URL with url-refused and no actions", async () => {
		await expect(exports.BrowserHarness.browse({ url: "http://10.0.0.1/" }, { decide })).resolves.toEqual({
			ok: false,
			error: { code: "url-refused", message: expect.stringMatching(/10\.0\.0\.1/), retryable: false },
			actions: [],
		});
	});

	it("should refuse an allowedOrigins entry that is not an origin with invalid-request", async () => {
		const result = await browse(env, { url: "https://example.com/", allowedOrigins: ["example.org"] }, { decide });
		expect(result).toMatchObject({ ok: false, error: { code: "invalid-request" }, actions: [] });
	});

	it("should refuse agent callbacks without decide", async () => {
		const result = await browse(env, { url: "https://example.com/" }, {} as never);
		expect(result).toMatchObject({
			ok: false,
			error: { code: "invalid-request", message: expect.stringMatching(/decide callback/) },
		});
	});

	it("should leave actions out in read mode", async () => {
		const result = await browse(env, { url: "http://10.0.0.1/" });
		expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: "url-refused" }) });
	});
});

describe("toBrowseError in agent mode", () => {
	it("should make any error non-retryable once the agent acted", () => {
		const error = new BrowserHarnessError("navigation-timeout", "slow");
		expect(toBrowseError(error).retryable).toBe(true);
		expect(toBrowseError(error, true).retryable).toBe(false);
	});

	it("should show a failed decide callback as internal, retryable while nothing was done", () => {
		const error = new BrowserHarnessError("agent-callback-failed", "model down");
		expect(toBrowseError(error)).toEqual({ code: "internal", message: "model down", retryable: true });
	});

	it.each(["agent-max-iterations", "agent-invalid-action"] as const)(
		"should pass %s through, not retryable",
		(code) => {
			expect(toBrowseError(new BrowserHarnessError(code, "x"))).toMatchObject({ code, retryable: false });
		},
	);
});
