import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "@ow/testing";
import { startPageServer, type PageServer } from "./page-server";

/**
 * The harness as deployed: private URLs refused, plus one trusted host. Offline every server is on
 * loopback, so `trusted` (listed in ALLOWED_HOSTS) stands in for a public site and `secret` (another
 * loopback port, not listed) for the private service an attacker wants. Tests run in order: the
 * refusals first, while no browser has been launched.
 */
let harness: Harness;
let trusted: PageServer;
let secret: PageServer;

beforeAll(async () => {
	trusted = await startPageServer();
	secret = await startPageServer();
	harness = await startHarness({
		ALLOW_PRIVATE_URLS: "false",
		ALLOWED_HOSTS: new URL(trusted.url).host,
		BROWSER_POOL_SIZE: "1",
	});
});

afterAll(async () => {
	await harness?.stop();
	await trusted?.stop();
	await secret?.stop();
});

/** Each must be refused before a browser is touched, so none of them ever sees a packet. */
const REFUSED = [
	"{secret}/page?id=direct",
	// loopback in every spelling
	"http://127.0.0.1/",
	"http://127.8.9.10:8080/",
	"http://2130706433/",
	"http://0x7f000001/",
	"http://0x7f.1/",
	"http://0177.0.0.1/",
	"http://127.1/",
	"http://127.0.0.1./",
	"http://0.0.0.0/",
	"http://0/",
	// private and shared ranges
	"http://10.0.0.1/",
	"http://172.16.0.1/",
	"http://172.31.255.254/",
	"http://192.168.0.1/",
	"http://100.64.0.1/",
	// link-local and metadata
	"http://169.254.169.254/latest/meta-data/",
	"http://169.254.1.1/",
	"http://100.100.100.200/",
	"http://metadata.google.internal/computeMetadata/v1/",
	// IPv6
	"http://[::1]:8080/",
	"http://[::]/",
	"http://[0:0:0:0:0:0:0:1]/",
	"http://[fe80::1]/",
	"http://[fc00::1]/",
	"http://[fd00::1]/",
	"http://[fd00:ec2::254]/",
	"http://[::ffff:127.0.0.1]/",
	"http://[::ffff:7f00:1]/",
	"http://[::ffff:a9fe:a9fe]/",
	"http://[::ffff:0:7f00:1]/",
	"http://[64:ff9b::a00:1]/",
	"http://[2002:7f00:1::]/",
	// internal names
	"http://localhost/",
	"http://LOCALHOST/",
	"http://localhost./",
	"http://foo.localhost/",
	"http://db.internal/",
	"http://intranet/",
	// userinfo: the host is 127.0.0.1
	"http://example.com@127.0.0.1/",
	// other schemes
	"file:///etc/passwd",
	"data:text/html,<h1>hi</h1>",
	"javascript:alert(1)",
	"ftp://example.com/",
	"ws://example.com/",
	"blob:https://example.com/0b8c4ee4-8a43-4a63-9c3d-1f2e3d4c5b6a",
];

describe("browse with ALLOW_PRIVATE_URLS=false", () => {
	it.each(REFUSED)("should refuse %s with url-refused", async (url) => {
		const { status, result } = await harness.browse({ url: url.replace("{secret}", secret.url) });
		expect(status).toBe(403);
		expect(result).toMatchObject({ ok: false, error: { code: "url-refused", retryable: false } });
	});

	it("should have sent nothing anywhere: no session launched, no connection to either server", async () => {
		expect(await harness.pool()).toMatchObject({ launched: 0, busy: 0, available: 0 });
		expect(secret.log).toEqual([]);
		expect(secret.connections()).toBe(0);
		expect(trusted.log).toEqual([]);
	});
});

/** The path of the listed host's page that sends the browser to `to` (`{secret}` is the private server) by `how`. */
function away(how: string, to: string): string {
	return `${how}?to=${encodeURIComponent(to.replace("{secret}", secret.url))}`;
}

describe("a host listed in ALLOWED_HOSTS whose page leads to a private one", () => {
	/** Browses the listed host's page that leaves for `to`; it must be refused after reaching the listed host. */
	async function expectRefused(how: string, to: string): Promise<void> {
		const { status, result } = await harness.browse({ url: `${trusted.url}${away(how, to)}` });
		expect(status).toBe(403);
		expect(result).toMatchObject({ ok: false, error: { code: "url-refused", retryable: false } });
		expect(trusted.log).toContain(away(how, to));
	}

	it("should read the listed host itself", async () => {
		const { status, result } = await harness.browse({ url: `${trusted.url}/page?id=listed` });
		expect(status).toBe(200);
		expect(result).toMatchObject({ ok: true, page: { title: "Page listed" } });
	});

	// A redirect is followed inside the network stack, where the request guard sees it before any
	// connection: the loopback stand-in proves it (no connection at all), so the non-loopback targets
	// are safe to name here.
	it.each([
		"{secret}/page?id=by-302",
		"http://169.254.169.254/latest/meta-data/",
		"http://10.0.0.1/",
		"http://[::ffff:7f00:1]/",
		"file:///etc/passwd",
	])("should refuse an HTTP 302 to %s with url-refused", async (to) => {
		await expectRefused("/redirect", to);
	});

	it("should not even have connected to the private server for the redirect", () => {
		expect(secret.connections()).toBe(0);
	});

	// A navigation a script or meta refresh starts makes Chromium preconnect (TCP only, no request)
	// to the target before the request guard sees it: only loopback targets here.
	it.each([
		["/script-redirect", "{secret}/page?id=by-script"],
		["/late-redirect", "{secret}/page?id=by-late-script"],
		["/meta-redirect", "{secret}/page?id=by-meta"],
	])("should refuse %s to %s with url-refused", async (how, to) => {
		await expectRefused(how, to);
	});

	it("should read a page that reaches for the private host every other way, and drop every such request", async () => {
		const { result } = await harness.browse({ url: `${trusted.url}${away("/probe", "{secret}")}` });
		expect(result).toMatchObject({ ok: true, page: { title: "Probe", text: expect.stringContaining("reaches for") } });
		// The service worker and the popup run on their own; give them time to try.
		await new Promise((resolve) => setTimeout(resolve, 1_000));
	});

	it("should leave the private server without a single request through all of it", () => {
		expect(secret.log).toEqual([]);
	});
});
