import { chromiumBrowsersOf, startHarness, type Harness } from "@ow/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "./harness";
import { startPageServer, type PageServer } from "./page-server";

// One harness for the file, pool size 1, private URLs allowed (the page server is on 127.0.0.1).
// Tests run in order and share the pool: each states the pool counters it expects to move.
describe("browse with real Chromium", () => {
	let harness: Harness;
	let site: PageServer;

	beforeAll(async () => {
		site = await startPageServer();
		harness = await startHarness({ ALLOW_PRIVATE_URLS: "true", BROWSER_POOL_SIZE: "1", MAX_TEXT_CHARS: "2000" });
	});

	afterAll(async () => {
		await harness?.stop();
		await site?.stop();
	});

	it("should extract title, text and links from a page", async () => {
		const { status, result } = await harness.browse({ url: `${site.url}/article` });
		expect(status).toBe(200);
		if (!result.ok) throw new Error(result.error.message);
		expect(result.page).toMatchObject({
			requestedUrl: `${site.url}/article`,
			finalUrl: `${site.url}/article`,
			title: "Pricing of Widgets (rendered)",
			truncated: false,
			blocked: null,
			screenshotKey: null,
		});
		expect(result.page.text).toContain("The basic plan costs 5 euros per month.");
		expect(result.page.links).toEqual([
			{ text: "Plans", href: `${site.url}/plans` },
			{ text: "About us", href: "https://example.com/about" },
		]);
	});

	it("should reuse the warm session instead of opening a new one", async () => {
		const before = await harness.pool();
		expect(before).toMatchObject({ size: 1, available: 1, busy: 0 });
		const { result } = await harness.browse({ url: `${site.url}/page?id=reuse` });
		expect(result.ok).toBe(true);
		const after = await harness.pool();
		expect(after.launched).toBe(before.launched);
		expect(after.reused).toBe(before.reused + 1);
	});

	it("should store a screenshot and serve it from /artifacts", async () => {
		const { result } = await harness.browse({ url: `${site.url}/article`, screenshot: true, runId: "run_e2e" });
		if (!result.ok) throw new Error(result.error.message);
		const key = result.page.screenshotKey;
		expect(key).toMatch(/^screenshots\/run_e2e\/[0-9a-f-]{36}\.jpg$/);
		const res = await harness.get(`/artifacts/${key}`);
		expect(res.status).toBe(200);
		expect(res.headers.get("content-type")).toBe("image/jpeg");
		const bytes = new Uint8Array(await res.arrayBuffer());
		expect([...bytes.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
		expect(bytes.byteLength).toBeLessThanOrEqual(600_000);
	});

	it("should cut long text to MAX_TEXT_CHARS with a visible marker", async () => {
		const { result } = await harness.browse({ url: `${site.url}/long` });
		if (!result.ok) throw new Error(result.error.message);
		expect(result.page.truncated).toBe(true);
		expect(result.page.text).toMatch(/\[truncated: showing \d+ of \d+ characters\]$/);
		expect(result.page.text.length).toBeLessThan(2_100);
	});

	it("should report a challenge page and a 403 page as blocked, not as content", async () => {
		const challenge = await harness.browse({ url: `${site.url}/challenge` });
		expect(challenge.result).toMatchObject({ ok: true, page: { blocked: { kind: "challenge" } } });
		const forbidden = await harness.browse({ url: `${site.url}/forbidden` });
		expect(forbidden.result).toMatchObject({
			ok: true,
			page: { blocked: { kind: "blocked", reason: "HTTP 403 from the site" } },
		});
	});

	it("should fail a closed port with navigation-failed and a slow page with navigation-timeout", async () => {
		const closed = await harness.browse({ url: "http://127.0.0.1:9/" });
		expect(closed.result).toMatchObject({ ok: false, error: { code: "navigation-failed", retryable: true } });
		const slow = await harness.browse({ url: `${site.url}/slow?id=never`, timeoutMs: 1_500 });
		expect(slow.status).toBe(504);
		expect(slow.result).toMatchObject({ ok: false, error: { code: "navigation-timeout", retryable: true } });
		expect(await harness.pool()).toMatchObject({ busy: 0, available: 1, replaced: 0 });
	});

	it("should not follow a download", async () => {
		const { result } = await harness.browse({ url: `${site.url}/download` });
		expect(result).toMatchObject({ ok: false, error: { code: "navigation-failed" } });
	});

	it("should replace a session whose browser was killed underneath", async () => {
		const before = await harness.pool();
		const browsers = chromiumBrowsersOf(harness.dev.pid);
		expect(browsers).toHaveLength(1);
		for (const pid of browsers) process.kill(pid, "SIGKILL");
		await waitFor("the browser to die", () => chromiumBrowsersOf(harness.dev.pid).length === 0);

		const { result } = await harness.browse({ url: `${site.url}/page?id=after-kill` });
		expect(result).toMatchObject({ ok: true, page: { title: "Page after-kill" } });
		const after = await harness.pool();
		expect(after.replaced).toBe(before.replaced + 1);
		expect(after.launched).toBe(before.launched + 1);
		expect(after).toMatchObject({ size: 1, available: 1, busy: 0, unhealthy: 0 });
	});

	it("should serve a queued high-priority browse before an older low-priority one", async () => {
		const holder = harness.browse({ url: `${site.url}/slow?id=hold`, timeoutMs: 60_000 });
		await waitFor("the slow page to hold the only session", () => site.log.includes("/slow?id=hold"));
		const low = harness.browse({ url: `${site.url}/page?id=low`, priority: 1 });
		await waitFor("the low-priority browse to queue", async () => (await harness.pool()).queued === 1);
		const high = harness.browse({ url: `${site.url}/page?id=high`, priority: 9 });
		await waitFor("the high-priority browse to queue", async () => (await harness.pool()).queued === 2);
		site.open("hold");

		const results = await Promise.all([holder, low, high]);
		expect(results.map((r) => r.result.ok)).toEqual([true, true, true]);
		const order = site.log.filter((path) => path === "/page?id=low" || path === "/page?id=high");
		expect(order).toEqual(["/page?id=high", "/page?id=low"]);
	});
});
