import { describe, expect, it } from "vitest";
import { readConfig } from "../src/config";
import { embeddedIpv4, parseIpv4, parseIpv6 } from "../src/ip-address";
import { allowedHostKeys, checkUrl, classifyHost, hostRefusal } from "../src/url-safety";

const strict = { allowPrivate: false };
const open = { allowPrivate: true };

/** Every spelling of a non-public host the harness must refuse with private URLs off. */
const PRIVATE_URLS = [
	// 127.0.0.0/8 in its numeric spellings: the URL parser turns them all into 127.0.0.1
	"http://127.0.0.1/",
	"http://127.8.9.10:8080/x",
	"http://127.255.255.254/",
	"http://2130706433/",
	"http://0x7f000001/",
	"http://0x7f.1/",
	"http://0x7f.0.0.1/",
	"http://0177.0.0.1/",
	"http://017700000001/",
	"http://127.1/",
	"http://127.0.0.1./",
	"http://127.0.0.1../",
	"http://%31%32%37.0.0.1/",
	"http://１２７.０.０.１/",
	// private, shared and special IPv4 ranges
	"http://10.0.0.1/",
	"http://10.255.255.255/",
	"http://172.16.5.4/",
	"http://172.31.255.255/",
	"http://192.168.1.1/",
	"http://100.64.0.1/",
	"http://100.127.255.255/",
	"http://0.0.0.0/",
	"http://0/",
	"http://192.0.0.8/",
	"http://192.0.2.1/",
	"http://198.18.0.1/",
	"http://224.0.0.1/",
	"http://255.255.255.255/",
	// IPv6 loopback, unspecified, private and the forms that wrap a private IPv4 address
	"http://[::1]/",
	"http://[::]/",
	"http://[0:0:0:0:0:0:0:1]/",
	"http://[fc00::1]/",
	"http://[fd00::1]/",
	"http://[fd12:3456::1]/",
	"http://[fec0::1]/",
	"http://[ff02::1]/",
	"http://[100::1]/",
	"http://[2001:db8::1]/",
	"http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/", // Teredo
	"http://[::ffff:127.0.0.1]/",
	"http://[::ffff:7f00:1]/",
	"http://[::ffff:10.0.0.1]/",
	"http://[::ffff:0:7f00:1]/", // IPv4-translated
	"http://[::127.0.0.1]/", // IPv4-compatible
	"http://[::8.8.8.8]/", // IPv4-compatible, even of a public address
	"http://[64:ff9b::a00:1]/", // NAT64 of 10.0.0.1
	"http://[64:ff9b::127.0.0.1]/",
	"http://[64:ff9b:1::a00:1]/", // local-use NAT64
	"http://[2002:7f00:1::]/", // 6to4 of 127.0.0.1
	"http://[2002:c0a8:101::1]/", // 6to4 of 192.168.1.1
	// names that only resolve inside a network
	"http://localhost:3000/",
	"http://LOCALHOST/",
	"http://localhost./",
	"http://localhost../",
	"http://LOCALHOST./",
	"http://app.localhost/",
	"http://foo.localhost./",
	"http://。localhost/",
	"http://localhost。/",
	"http://printer.local/",
	"http://db.internal/",
	"http://db.internal./",
	"http://router.home.arpa/",
	"http://intranet/",
	"http://a..b.example/",
	// userinfo does not change the host: this one goes to 127.0.0.1
	"http://example.com@127.0.0.1/",
	"http://user:pass@localhost/",
];

/** Link-local and cloud metadata services: refused whatever the settings. */
const NEVER_URLS = [
	"http://169.254.169.254/latest/meta-data/",
	"http://169.254.170.2/v2/credentials",
	"http://169.254.0.1/",
	"http://2852039166/", // 169.254.169.254 as one number
	"http://0xa9fea9fe/",
	"http://0251.0376.0251.0376/",
	"http://100.100.100.200/latest/meta-data/",
	"http://[::ffff:169.254.169.254]/",
	"http://[::ffff:a9fe:a9fe]/",
	"http://[64:ff9b::a9fe:a9fe]/",
	"http://[2002:a9fe:a9fe::]/",
	"http://[fe80::1]/",
	"http://[febf::1]/",
	"http://[fd00:ec2::254]/",
	"http://metadata.google.internal/computeMetadata/v1/",
	"http://metadata.google.internal./",
	"http://METADATA/",
	"http://metadata.goog/",
	"http://instance-data/latest/",
];

describe("checkUrl without ALLOW_PRIVATE_URLS", () => {
	it.each(PRIVATE_URLS)("should refuse %s", (url) => {
		expect(checkUrl(url, strict)).toMatchObject({ ok: false, reason: expect.any(String) });
	});

	it.each(NEVER_URLS)("should refuse %s", (url) => {
		expect(checkUrl(url, strict)).toMatchObject({ ok: false, reason: expect.stringMatching(/never allowed/) });
	});

	it.each([
		"file:///etc/passwd",
		"file://localhost/etc/passwd",
		"javascript:alert(1)",
		"JavaScript:alert(1)",
		"ftp://example.com/",
		"data:text/html,hi",
		"ws://example.com/",
		"wss://example.com/",
		"blob:https://example.com/0b8c4ee4-8a43-4a63-9c3d-1f2e3d4c5b6a",
		"about:blank",
		"chrome://settings/",
		"view-source:https://example.com/",
	])("should refuse the scheme of %s", (url) => {
		expect(checkUrl(url, strict)).toMatchObject({ ok: false, reason: expect.stringMatching(/scheme/) });
	});

	it.each([
		"https://example.com/",
		"http://example.com:8080/a?b=c",
		"https://8.8.8.8/",
		"http://134744072/", // 8.8.8.8 as one number
		"http://[2606:4700::1111]/",
		"http://[::ffff:8.8.8.8]/",
		"http://[64:ff9b::808:808]/", // NAT64 of 8.8.8.8
		"http://[2002:808:808::1]/", // 6to4 of 8.8.8.8
		"http://172.32.0.1/",
		"http://100.128.0.1/",
		"http://169.253.255.255/",
		"http://example.com./",
		"http://localhost.example.com/",
		"http://127.0.0.1.example.com/", // a public name; where it resolves is checked after the response
		"http://127.0.0.1@example.com/",
	])("should allow the public URL %s", (url) => {
		expect(checkUrl(url, strict)).toMatchObject({ ok: true });
	});

	it("should refuse something that is not a URL", () => {
		expect(checkUrl("not a url", strict)).toEqual({ ok: false, reason: "not an absolute URL" });
		expect(checkUrl("http://[fe80::1%25eth0]/", strict)).toEqual({ ok: false, reason: "not an absolute URL" });
	});
});

describe("checkUrl with ALLOW_PRIVATE_URLS=true", () => {
	it.each([
		"http://127.0.0.1:8080/",
		"http://10.0.0.1/",
		"http://[::1]/",
		"http://localhost/",
		"http://[::ffff:127.0.0.1]/",
		"http://printer.local/",
	])("should allow %s", (url) => {
		expect(checkUrl(url, open).ok).toBe(true);
	});

	it.each(NEVER_URLS)("should still refuse %s", (url) => {
		expect(checkUrl(url, open)).toMatchObject({ ok: false, reason: expect.stringMatching(/never allowed/) });
	});

	it.each(["file:///etc/passwd", "javascript:alert(1)", "ftp://127.0.0.1/", "ws://127.0.0.1/"])(
		"should still refuse %s",
		(url) => {
			expect(checkUrl(url, open).ok).toBe(false);
		},
	);
});

describe("checkUrl with ALLOWED_HOSTS", () => {
	const config = readConfig({ ALLOWED_HOSTS: " docs.corp.internal, 127.0.0.1:8443 ,[::1]:9000" });
	const trusted = { allowPrivate: false, allowedHosts: config.allowedHosts };

	it.each([
		"http://docs.corp.internal/",
		"https://docs.corp.internal/guide",
		"http://127.0.0.1:8443/",
		"https://127.0.0.1:8443/",
		"http://0x7f000001:8443/", // the same host spelled otherwise
		"http://[::1]:9000/",
		"http://[0:0:0:0:0:0:0:1]:9000/",
	])("should allow the listed host %s", (url) => {
		expect(checkUrl(url, trusted)).toMatchObject({ ok: true });
	});

	it.each([
		"http://docs.corp.internal:8080/", // another port of a host listed without one
		"http://other.corp.internal/",
		"http://sub.docs.corp.internal/", // no wildcards
		"http://127.0.0.1/", // the listed address on another port
		"http://127.0.0.1:8444/",
		"http://127.0.0.2:8443/",
		"http://[::1]/",
		"http://10.0.0.1/",
	])("should still refuse the unlisted private host %s", (url) => {
		expect(checkUrl(url, trusted).ok).toBe(false);
	});

	it("should never open a metadata service, even when it is listed", () => {
		const listed = readConfig({ ALLOWED_HOSTS: "169.254.169.254,metadata.google.internal:80" });
		const policy = { allowPrivate: false, allowedHosts: listed.allowedHosts };
		expect(checkUrl("http://169.254.169.254/", policy)).toMatchObject({ ok: false });
		expect(checkUrl("http://metadata.google.internal/", policy)).toMatchObject({ ok: false });
	});
});

describe("allowedHostKeys", () => {
	it.each([
		["docs.corp", ["docs.corp:80", "docs.corp:443"]],
		["Docs.Corp:8080", ["docs.corp:8080"]],
		["127.0.0.1:80", ["127.0.0.1:80"]],
		["2130706433:81", ["127.0.0.1:81"]],
		["[::1]:9000", ["[::1]:9000"]],
		["[::1]", ["[::1]:80", "[::1]:443"]],
	])("should read %s as %j", (entry, keys) => {
		expect(allowedHostKeys(entry)).toEqual(keys);
	});

	it.each([
		"*.corp",
		"http://docs.corp",
		"docs.corp/path",
		"user@docs.corp",
		"docs.corp:",
		"docs.corp:99999",
		"::1",
		"docs corp",
		"",
	])("should refuse the malformed entry %j", (entry) => {
		expect(allowedHostKeys(entry)).toBeNull();
	});

	it("should refuse a config with a malformed entry, naming it, and skip empty ones", () => {
		expect(() => readConfig({ ALLOWED_HOSTS: "ok.corp:81, *.corp" })).toThrow(/ALLOWED_HOSTS .*got "\*\.corp"/);
		expect(() => readConfig({ ALLOWED_HOSTS: "http://x" })).toThrow(/config|ALLOWED_HOSTS/);
		expect([...readConfig({ ALLOWED_HOSTS: " ok.corp:81,," }).allowedHosts]).toEqual(["ok.corp:81"]);
		expect(readConfig({}).allowedHosts.size).toBe(0);
	});
});

describe("hostRefusal", () => {
	it("should judge bare remote addresses the way Chromium reports them", () => {
		expect(hostRefusal("127.0.0.1", null, strict)).toMatch(/not a public address/);
		expect(hostRefusal("::ffff:127.0.0.1", null, strict)).toMatch(/not a public address/);
		expect(hostRefusal("93.184.215.14", null, strict)).toBeNull();
	});

	it("should let a listed host's private address through, but not a metadata address", () => {
		const allowedHosts = new Set(["docs.corp:443"]);
		expect(hostRefusal("10.1.2.3", "docs.corp:443", { allowPrivate: false, allowedHosts })).toBeNull();
		expect(hostRefusal("10.1.2.3", "other.corp:443", { allowPrivate: false, allowedHosts })).not.toBeNull();
		expect(hostRefusal("169.254.169.254", "docs.corp:443", { allowPrivate: true, allowedHosts })).toMatch(/never/);
	});
});

describe("classifyHost", () => {
	it("should say which wrapping of an IPv4 address it saw", () => {
		expect(classifyHost("[::ffff:0:7f00:1]")).toEqual({
			kind: "private",
			reason: "[::ffff:0:7f00:1] is not a public address (IPv4-translated 127.0.0.1)",
		});
		expect(classifyHost("[::1]")).toEqual({
			kind: "private",
			reason: "[::1] is not a public address (unspecified or loopback)",
		});
		expect(classifyHost("[64:ff9b::a9fe:a9fe]")).toMatchObject({ kind: "never", reason: /NAT64 169\.254\.169\.254/ });
	});

	it("should not take an unnormalised numeric host for a name", () => {
		expect(classifyHost("010.0.0.1")).toMatchObject({ kind: "private", reason: /non-canonical/ });
		expect(classifyHost("127.1")).toMatchObject({ kind: "private", reason: /non-canonical/ });
		expect(classifyHost("8.8.8.8")).toEqual({ kind: "public" });
	});
});

describe("parseIpv6", () => {
	it("should expand :: and embedded dotted quads", () => {
		expect(parseIpv6("::1")?.parts).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
		expect(parseIpv6("::ffff:1.2.3.4")?.parts).toEqual([0, 0, 0, 0, 0, 0xffff, 0x102, 0x304]);
		expect(parseIpv6("fe80::1%eth0")?.parts).toEqual([0xfe80, 0, 0, 0, 0, 0, 0, 1]);
		expect(parseIpv6("FD00:EC2::254")?.parts).toEqual([0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254]);
	});

	it("should reject malformed addresses", () => {
		expect(parseIpv6("1::2::3")).toBeNull();
		expect(parseIpv6("12345::")).toBeNull();
		expect(parseIpv6("1:2:3:4:5:6:7")).toBeNull();
		expect(parseIpv6("::1.2.3.256")).toBeNull();
	});
});

describe("embeddedIpv4", () => {
	it("should find the IPv4 address only in the wrapping forms", () => {
		expect(embeddedIpv4(parseIpv6("::ffff:a00:1")!)).toMatchObject({
			address: parseIpv4("10.0.0.1"),
			form: "IPv4-mapped",
		});
		expect(embeddedIpv4(parseIpv6("2002:a00:1::5")!)).toMatchObject({ address: parseIpv4("10.0.0.1"), form: "6to4" });
		expect(embeddedIpv4(parseIpv6("2606:4700::1111")!)).toBeNull();
		expect(embeddedIpv4(parseIpv6("64:ff9b:1::a00:1")!)).toBeNull();
	});
});
