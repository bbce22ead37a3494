import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "./harness";
import { startPageServer, type PageServer } from "./page-server";

// The harness as deployed: private URLs refused. Every refusal must happen before a browser is
// touched, so no traffic ever reaches these addresses: the pool must not even launch a session.
describe("browse with ALLOW_PRIVATE_URLS=false", () => {
	let harness: Harness;
	let site: PageServer;

	beforeAll(async () => {
		site = await startPageServer();
		harness = await startHarness({ ALLOW_PRIVATE_URLS: "false", BROWSER_POOL_SIZE: "1" });
	});

	afterAll(async () => {
		await harness?.stop();
		await site?.stop();
	});

	it.each([
		"{site}/article",
		"http://127.0.0.1/",
		"http://10.0.0.1/",
		"http://169.254.169.254/latest/meta-data/",
		"http://[::1]:8080/",
		"http://0.0.0.0/",
		"http://[::ffff:127.0.0.1]/",
		"http://localhost/",
		"http://metadata.google.internal/",
		"file:///etc/passwd",
		"javascript:alert(1)",
	])("should refuse %s with url-refused", async (url) => {
		const { status, result } = await harness.browse({ url: url.replace("{site}", site.url) });
		expect(status).toBe(403);
		expect(result).toMatchObject({ ok: false, error: { code: "url-refused", retryable: false } });
	});

	it("should have sent nothing anywhere: no session launched, no request at the page server", async () => {
		expect(await harness.pool()).toMatchObject({ launched: 0, busy: 0, available: 0 });
		expect(site.log).toEqual([]);
	});
});
