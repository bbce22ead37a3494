/**
 * Which URLs the harness may open. Only http(s). Hosts fall in three classes:
 *
 * - public: allowed;
 * - private: loopback, private ranges, carrier-grade NAT, unique-local IPv6, names that only resolve
 *   inside a network (`localhost`, `*.internal`, single-label names...): refused unless
 *   `ALLOW_PRIVATE_URLS=true` (development and tests only) or the exact `host:port` is listed in
 *   `ALLOWED_HOSTS` (an intranet server the operator trusts);
 * - never: link-local addresses and cloud metadata services (169.254.169.254 and friends), where
 *   instance credentials live: refused whatever the settings.
 *
 * The check runs on the literal URL before any session is touched, so a refused address sees no
 * traffic; the page reader runs it again on every request the page makes (redirects included) and
 * on the address the main document finally came from (a public name that resolves to a private
 * address). Numeric host forms (`2130706433`, `0x7f.1`, `0177.0.0.1`, `127.1`) are normalised to
 * dotted quads by the WHATWG URL parser; IPv6 forms that only wrap an IPv4 address are judged by
 * that address.
 */
import { BrowserHarnessError } from "./errors";
import { embeddedIpv4, inIpv4Range, parseIpv4, parseIpv6, type Ipv4, type Ipv6 } from "./ip-address";

/** Outcome of a URL check: the parsed URL, or why it is refused. */
export type UrlVerdict = { ok: true; url: URL } | { ok: false; reason: string };

/** Options of a URL check. */
export interface UrlPolicy {
	/** `ALLOW_PRIVATE_URLS=true`: private hosts are allowed. Schemes and never-hosts are still refused. */
	allowPrivate: boolean;
	/** `ALLOWED_HOSTS`: `hostname:port` keys (see `hostKey`) of private hosts that are allowed. */
	allowedHosts?: ReadonlySet<string>;
}

/** How a host is judged; `reason` says why it is not public. */
export type HostClass = { kind: "public" } | { kind: "private" | "never"; reason: string };

const ALLOWED_PROTOCOLS = new Set(["http:", "https:"]);
/** Schemes a page may load without network traffic. */
const LOCAL_SCHEMES = new Set(["data:", "blob:", "about:"]);
const INTERNAL_SUFFIXES = [".localhost", ".local", ".internal", ".localdomain", ".home.arpa", ".intranet"];
/** Names of cloud metadata services (GCP, AWS) that resolve inside the instance. */
const METADATA_NAMES = new Set([
	"metadata",
	"metadata.google.internal",
	"metadata.goog",
	"instance-data",
	"instance-data.ec2.internal",
]);

/** [first address, prefix length] of IPv4 ranges no setting opens. */
const IPV4_NEVER: ReadonlyArray<readonly [string, number]> = [
	["169.254.0.0", 16], // link-local, incl. the 169.254.169.254 metadata service (AWS, GCP, Azure, ...)
	["100.100.100.200", 32], // Alibaba Cloud's metadata service
];

/** AWS's metadata service over IPv6, in normalized form. */
const AWS_METADATA_V6 = parseIpv6("fd00:ec2::254")!.toNormalizedString();

/** [first address, prefix length] of IPv4 ranges that are not the public internet. */
const IPV4_PRIVATE: ReadonlyArray<readonly [string, number]> = [
	["0.0.0.0", 8], // "this network", incl. 0.0.0.0
	["10.0.0.0", 8], // private
	["100.64.0.0", 10], // carrier-grade NAT
	["127.0.0.0", 8], // loopback
	["172.16.0.0", 12], // private
	["192.0.0.0", 24], // IETF protocol assignments
	["192.0.2.0", 24], // documentation (TEST-NET-1)
	["192.168.0.0", 16], // private
	["198.18.0.0", 15], // benchmarking
	["198.51.100.0", 24], // documentation (TEST-NET-2)
	["203.0.113.0", 24], // documentation (TEST-NET-3)
	["224.0.0.0", 4], // multicast
	["240.0.0.0", 4], // reserved, incl. broadcast
];

/** Checks a URL against the policy. Never throws. */
export function checkUrl(raw: string, policy: UrlPolicy): UrlVerdict {
	let url: URL;
	try {
		url = new URL(raw);
	} catch (_error) {
		return { ok: false, reason: "not an absolute URL" };
	}
	if (!ALLOWED_PROTOCOLS.has(url.protocol)) return { ok: false, reason: `scheme ${url.protocol} is not allowed` };
	const reason = hostRefusal(url.hostname, hostKey(url), policy);
	return reason ? { ok: false, reason } : { ok: true, url };
}

/** What to do with a request the page makes. */
export type RequestDecision = { action: "continue" } | { action: "abort"; refused: string | null };

/**
 * Decides a paused request: refused URLs are aborted; when the request is a main-frame navigation
 * (the page itself or a redirect of it), `refused` says why, and the browse fails with `url-refused`.
 * In-page schemes (data:, blob:) load without traffic and pass, except as the main frame.
 */
export function decideRequest(url: string, mainFrameNavigation: boolean, policy: UrlPolicy): RequestDecision {
	const protocol = URL.parse(url)?.protocol ?? "";
	if (LOCAL_SCHEMES.has(protocol)) {
		if (!mainFrameNavigation || protocol === "about:") return { action: "continue" };
		return { action: "abort", refused: `main frame navigated to ${url.slice(0, 40)}` };
	}
	const verdict = checkUrl(url, policy);
	if (verdict.ok) return { action: "continue" };
	return { action: "abort", refused: mainFrameNavigation ? `${verdict.reason}: ${url.slice(0, 200)}` : null };
}

/** Like `checkUrl`, but throws `url-refused` with a message that says what to change. */
export function assertUrlAllowed(raw: string, policy: UrlPolicy): URL {
	const verdict = checkUrl(raw, policy);
	if (verdict.ok) return verdict.url;
	throw new BrowserHarnessError("url-refused", `URL refused (${verdict.reason}): ${raw.slice(0, 200)}`);
}

/**
 * Why `host` (a URL hostname, or the bare IP a response came from) must not be visited under
 * `policy`, or null. `key` is the `hostname:port` the request was for, matched against
 * `ALLOWED_HOSTS`; null when unknown.
 */
export function hostRefusal(host: string, key: string | null, policy: UrlPolicy): string | null {
	const judged = classifyHost(host);
	if (judged.kind === "public") return null;
	if (judged.kind === "never") return `${judged.reason}; it is never allowed`;
	if (policy.allowPrivate || (key !== null && policy.allowedHosts?.has(key))) return null;
	return judged.reason;
}

/** The `hostname:port` an `ALLOWED_HOSTS` entry must name for `url` to pass; the scheme's default port when it has none. */
export function hostKey(url: URL): string {
	return `${url.hostname}:${url.port || (url.protocol === "https:" ? "443" : "80")}`;
}

/**
 * The keys one `ALLOWED_HOSTS` entry stands for: `host:port` exactly, or a bare `host` on the
 * default ports 80 and 443. IPv6 hosts go in brackets. Null for anything else (a scheme, a path,
 * credentials, a wildcard): an entry is trusted exactly as written, never by pattern.
 */
export function allowedHostKeys(entry: string): string[] | null {
	const text = entry.trim();
	if (!/^[^\s/?#@*\\]+$/.test(text)) return null;
	const parts = /^(?:\[[^\]]*\]|[^:[\]]+)(?::(\d*))?$/.exec(text);
	const url = parts ? URL.parse(`http://${text}/`) : null;
	if (!parts || !url || parts[1] === "") return null;
	const port = parts[1];
	return port ? [`${url.hostname}:${Number(port)}`] : [`${url.hostname}:80`, `${url.hostname}:443`];
}

/** Judges a host: a URL hostname (bracketed IPv6 allowed) or a bare IP. */
export function classifyHost(rawHost: string): HostClass {
	const host = rawHost
		.toLowerCase()
		.replace(/^\[|\]$/g, "")
		.replace(/\.+$/, "");
	if (host === "") return { kind: "private", reason: "empty host" };
	const v4 = parseIpv4(host);
	if (v4 !== null) return classifyIpv4(v4, host);
	// Digits and dots that are no dotted quad (`010.0.0.1`, `127.1`): URL parsers normalise these, so
	// one that arrives unnormalised is read by something else, which may take it for any address.
	if (/^[\d.]+$/.test(host)) return { kind: "private", reason: `${host} is a non-canonical IPv4 address` };
	if (host.includes(":")) {
		const v6 = parseIpv6(host);
		return v6 ? classifyIpv6(v6, `[${host}]`) : { kind: "private", reason: `${host} is not a valid address` };
	}
	return classifyName(host);
}

function classifyName(host: string): HostClass {
	if (METADATA_NAMES.has(host)) return { kind: "never", reason: `${host} is a cloud metadata service` };
	if (host.split(".").includes("")) return { kind: "private", reason: `${host} has an empty label` };
	if (host === "localhost" || INTERNAL_SUFFIXES.some((suffix) => host.endsWith(suffix))) {
		return { kind: "private", reason: `${host} is an internal name` };
	}
	if (!host.includes(".")) return { kind: "private", reason: `${host} is a single-label (internal) name` };
	return { kind: "public" };
}

function classifyIpv4(address: Ipv4, text: string): HostClass {
	if (IPV4_NEVER.some(([base, bits]) => inIpv4Range(address, base, bits))) {
		return { kind: "never", reason: `${text} is not a public address (link-local or cloud metadata)` };
	}
	if (IPV4_PRIVATE.some(([base, bits]) => inIpv4Range(address, base, bits))) {
		return { kind: "private", reason: `${text} is not a public address` };
	}
	return { kind: "public" };
}

function classifyIpv6(address: Ipv6, text: string): HostClass {
	const [g0 = 0, g1 = 0, g2 = 0, g3 = 0] = address.parts;
	const kind = (reason: string, k: "private" | "never" = "private"): HostClass => ({
		kind: k,
		reason: `${text} is not a public address (${reason})`,
	});
	const embedded = embeddedIpv4(address);
	if (embedded?.form === "IPv4-compatible" && ["0.0.0.0", "0.0.0.1"].includes(embedded.address.toString())) {
		return kind("unspecified or loopback");
	}
	if (embedded) {
		const inner = embedded.address.toString();
		const judged = classifyIpv4(embedded.address, inner);
		if (judged.kind !== "public") return kind(`${embedded.form} ${inner}`, judged.kind);
		// `::8.8.8.8` is not routed to 8.8.8.8 any more: an IPv4-compatible address is no public target.
		return embedded.form === "IPv4-compatible" ? kind("IPv4-compatible, deprecated") : { kind: "public" };
	}
	if (address.toNormalizedString() === AWS_METADATA_V6) return kind("AWS metadata service", "never");
	if ((g0 & 0xffc0) === 0xfe80) return kind("link-local", "never");
	if ((g0 & 0xfe00) === 0xfc00) return kind("unique-local");
	if ((g0 & 0xffc0) === 0xfec0) return kind("site-local");
	if ((g0 & 0xff00) === 0xff00) return kind("multicast");
	if (g0 === 0x64 && g1 === 0xff9b && g2 === 1) return kind("local-use NAT64");
	if (g0 === 0x100 && g1 === 0 && g2 === 0 && g3 === 0) return kind("discard");
	if (g0 === 0x2001 && g1 === 0) return kind("Teredo");
	if (g0 === 0x2001 && g1 === 0xdb8) return kind("documentation");
	return { kind: "public" };
}
