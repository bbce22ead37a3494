import { describe, expect, it } from "vitest";
import { checkUrl, parseIpv6, refusedHostReason } from "../src/url-safety";

const strict = { allowPrivate: false };
const open = { allowPrivate: true };

describe("checkUrl without ALLOW_PRIVATE_URLS", () => {
	it.each([
		"http://127.0.0.1/",
		"http://127.8.9.10:8080/x",
		"http://localhost:3000/",
		"http://app.localhost/",
		"http://10.0.0.1/",
		"http://172.16.5.4/",
		"http://172.31.255.255/",
		"http://192.168.1.1/",
		"http://169.254.169.254/latest/meta-data/",
		"http://0.0.0.0/",
		"http://100.64.0.1/",
		"http://[::1]/",
		"http://[::]/",
		"http://[::ffff:127.0.0.1]/",
		"http://[::ffff:a9fe:a9fe]/",
		"http://[::ffff:10.0.0.1]/",
		"http://[fc00::1]/",
		"http://[fd12:3456::1]/",
		"http://[fe80::1]/",
		"http://[64:ff9b::a00:1]/",
		"http://[2002:7f00:1::]/",
		"http://metadata.google.internal/computeMetadata/v1/",
		"http://metadata/",
		"http://printer.local/",
		"http://2130706433/",
		"http://0x7f.0.0.1/",
		"http://127.1/",
		"http://LOCALHOST./",
	])("should refuse %s", (url) => {
		expect(checkUrl(url, strict).ok).toBe(false);
	});

	it.each([
		"file:///etc/passwd",
		"javascript:alert(1)",
		"ftp://example.com/",
		"data:text/html,hi",
		"ws://example.com/",
		"about:blank",
	])("should refuse the scheme of %s", (url) => {
		expect(checkUrl(url, strict)).toMatchObject({ ok: false, reason: expect.stringMatching(/scheme/) });
	});

	it.each([
		"https://example.com/",
		"http://example.com:8080/a?b=c",
		"https://8.8.8.8/",
		"http://[2606:4700::1111]/",
		"http://[::ffff:8.8.8.8]/",
		"http://172.32.0.1/",
	])("should allow the public URL %s", (url) => {
		expect(checkUrl(url, strict)).toMatchObject({ ok: true });
	});

	it("should refuse something that is not a URL", () => {
		expect(checkUrl("not a url", strict)).toEqual({ ok: false, reason: "not an absolute URL" });
	});
});

describe("checkUrl with ALLOW_PRIVATE_URLS=true", () => {
	it.each([
		"http://127.0.0.1:8080/",
		"http://10.0.0.1/",
		"http://169.254.169.254/",
		"http://[::1]/",
		"http://localhost/",
		"http://[::ffff:127.0.0.1]/",
	])("should allow %s", (url) => {
		expect(checkUrl(url, open).ok).toBe(true);
	});

	it.each(["file:///etc/passwd", "javascript:alert(1)", "ftp://127.0.0.1/"])("should still refuse %s", (url) => {
		expect(checkUrl(url, open).ok).toBe(false);
	});
});

describe("refusedHostReason", () => {
	it("should judge bare remote addresses the way Chromium reports them", () => {
		expect(refusedHostReason("127.0.0.1")).not.toBeNull();
		expect(refusedHostReason("::ffff:127.0.0.1")).not.toBeNull();
		expect(refusedHostReason("93.184.215.14")).toBeNull();
	});
});

describe("parseIpv6", () => {
	it("should expand :: and embedded dotted quads", () => {
		expect(parseIpv6("::1")).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
		expect(parseIpv6("::ffff:1.2.3.4")).toEqual([0, 0, 0, 0, 0, 0xffff, 0x102, 0x304]);
		expect(parseIpv6("fe80::1%eth0")).toEqual([0xfe80, 0, 0, 0, 0, 0, 0, 1]);
	});

	it("should reject malformed addresses", () => {
		expect(parseIpv6("1::2::3")).toBeNull();
		expect(parseIpv6("12345::")).toBeNull();
		expect(parseIpv6("1:2:3:4:5:6:7")).toBeNull();
	});
});
