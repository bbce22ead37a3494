/**
 * Which URLs the harness may open. Only http(s); loopback, private, link-local and other
 * non-public addresses, and names that only resolve inside a network (`localhost`, `*.internal`,
 * single-label names), are refused unless `ALLOW_PRIVATE_URLS=true` (development and tests only).
 *
 * The check runs on the literal URL before any session is touched, so a refused address sees no
 * traffic; the page reader runs it again on every request the page makes (redirects included) and
 * on the address the main document finally came from (a public name that resolves to a private
 * address). Numeric host forms (`2130706433`, `0x7f.1`, `[::ffff:127.0.0.1]`) are already
 * normalised by the WHATWG URL parser, so matching on dotted quads and parsed IPv6 is enough.
 */
import { BrowserHarnessError } from "./errors";

/** Outcome of a URL check: the parsed URL, or why it is refused. */
export type UrlVerdict = { ok: true; url: URL } | { ok: false; reason: string };

/** Options of a URL check. */
export interface UrlPolicy {
	/** `ALLOW_PRIVATE_URLS=true`: any http(s) host is allowed. Schemes are still checked. */
	allowPrivate: boolean;
}

const ALLOWED_PROTOCOLS = new Set(["http:", "https:"]);
const INTERNAL_SUFFIXES = [".localhost", ".local", ".internal", ".localdomain", ".home.arpa", ".intranet"];

/** [first address, prefix length] of IPv4 ranges that are not the public internet. */
const IPV4_REFUSED: ReadonlyArray<readonly [string, number]> = [
	["0.0.0.0", 8], // "this network", incl. 0.0.0.0
	["10.0.0.0", 8], // private
	["100.64.0.0", 10], // carrier-grade NAT
	["127.0.0.0", 8], // loopback
	["169.254.0.0", 16], // link-local, incl. the 169.254.169.254 metadata service
	["172.16.0.0", 12], // private
	["192.0.0.0", 24], // IETF protocol assignments
	["192.168.0.0", 16], // private
	["198.18.0.0", 15], // benchmarking
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
	if (policy.allowPrivate) return { ok: true, url };
	const reason = refusedHostReason(url.hostname);
	return reason ? { ok: false, reason } : { ok: true, url };
}

/** Like `checkUrl`, but throws `url-refused` with a message that says what to change. */
export function assertUrlAllowed(raw: string, policy: UrlPolicy): URL {
	const verdict = checkUrl(raw, policy);
	if (verdict.ok) return verdict.url;
	throw new BrowserHarnessError("url-refused", `URL refused (${verdict.reason}): ${raw.slice(0, 200)}`);
}

/**
 * Why a host (a URL hostname, bracketed IPv6 allowed, or a bare IP) must not be visited, or null.
 * Used for URL hosts and for the remote address a response came from.
 */
export function refusedHostReason(rawHost: string): string | null {
	const host = rawHost
		.toLowerCase()
		.replace(/^\[|\]$/g, "")
		.replace(/\.$/, "");
	if (host === "") return "empty host";
	const v4 = parseIpv4(host);
	if (v4 !== null) return ipv4Reason(v4, host);
	if (host.includes(":")) {
		const v6 = parseIpv6(host);
		return v6 ? ipv6Reason(v6, host) : `${host} is not a valid address`;
	}
	if (host === "localhost" || INTERNAL_SUFFIXES.some((suffix) => host.endsWith(suffix))) {
		return `${host} is an internal name`;
	}
	if (!host.includes(".")) return `${host} is a single-label (internal) name`;
	return null;
}

function ipv4Reason(address: number, text: string): string | null {
	for (const [base, bits] of IPV4_REFUSED) {
		const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
		if ((address & mask) >>> 0 === (parseIpv4(base)! & mask) >>> 0) return `${text} is not a public address`;
	}
	return null;
}

function ipv6Reason(groups: number[], text: string): string | null {
	const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = groups;
	const embedded = ((g6 << 16) | g7) >>> 0;
	const prefix96Zero = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0;
	if (prefix96Zero && g5 === 0xffff) return ipv4Reason(embedded, text) && `${text} maps a non-public IPv4 address`;
	if (prefix96Zero && g5 === 0) return `${text} is unspecified, loopback or IPv4-compatible`;
	if (g0 === 0x64 && g1 === 0xff9b) return `${text} is a NAT64 address`;
	if (g0 === 0x2002) return ipv4Reason(((g1 << 16) | g2) >>> 0, text) && `${text} embeds a non-public IPv4 address`;
	if ((g0 & 0xfe00) === 0xfc00) return `${text} is a unique-local (private) address`;
	if ((g0 & 0xffc0) === 0xfe80 || (g0 & 0xffc0) === 0xfec0) return `${text} is a link-local address`;
	if ((g0 & 0xff00) === 0xff00) return `${text} is a multicast address`;
	if (g0 === 0x100 && g1 === 0 && g2 === 0 && g3 === 0) return `${text} is a discard address`;
	if (g0 === 0x2001 && (g1 === 0 || g1 === 0xdb8)) return `${text} is a Teredo or documentation address`;
	return null;
}

/** Parses a strict dotted quad into an unsigned 32-bit number, or null. */
export function parseIpv4(text: string): number | null {
	const parts = text.split(".");
	if (parts.length !== 4) return null;
	let value = 0;
	for (const part of parts) {
		if (!/^\d{1,3}$/.test(part)) return null;
		const octet = Number(part);
		if (octet > 255) return null;
		value = value * 256 + octet;
	}
	return value >>> 0;
}

/** Parses an IPv6 address (`::` and a trailing dotted quad allowed) into 8 groups, or null. */
export function parseIpv6(text: string): number[] | null {
	const zone = text.indexOf("%");
	let rest = zone === -1 ? text : text.slice(0, zone);
	const tail: number[] = [];
	const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(rest);
	if (quad) {
		const v4 = parseIpv4(quad[1]!);
		if (v4 === null) return null;
		tail.push(v4 >>> 16, v4 & 0xffff);
		rest = rest.slice(0, -quad[1]!.length);
		if (rest.endsWith(":") && !rest.endsWith("::")) rest = rest.slice(0, -1);
	}
	const halves = rest.split("::");
	if (halves.length > 2) return null;
	const head = parseGroups(halves[0]!);
	const back = halves.length === 2 ? parseGroups(halves[1]!) : [];
	if (!head || !back) return null;
	const known = head.length + back.length + tail.length;
	if (halves.length === 1 ? known !== 8 : known > 7) return null;
	return [...head, ...Array<number>(8 - known).fill(0), ...back, ...tail];
}

function parseGroups(part: string): number[] | null {
	if (part === "") return [];
	const groups = part.split(":").map((g) => (/^[0-9a-f]{1,4}$/.test(g) ? parseInt(g, 16) : Number.NaN));
	return groups.some(Number.isNaN) ? null : groups;
}
