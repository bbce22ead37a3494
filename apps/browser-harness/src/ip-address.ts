/**
 * IP address parsing for the URL policy, by ipaddr.js: strict dotted quads and IPv6 text as URL
 * parsers and Chromium print them, plus the IPv4 address an IPv6 address carries when it is only a
 * wrapper around one (mapped, translated, NAT64, 6to4, IPv4-compatible). Which addresses are refused
 * is url-safety.ts's business; this module only reads them.
 */
import ipaddr from "ipaddr.js";

export type Ipv4 = ipaddr.IPv4;
export type Ipv6 = ipaddr.IPv6;

/**
 * A strict dotted quad, or null. Other spellings (octal, hex, fewer parts) are the URL parser's to
 * normalise first; a host that still has one is not taken for an address here.
 */
export function parseIpv4(text: string): Ipv4 | null {
	return ipaddr.IPv4.isValidFourPartDecimal(text) ? ipaddr.IPv4.parse(text) : null;
}

/** An IPv6 address (`::`, a zone and a trailing dotted quad allowed), or null. */
export function parseIpv6(text: string): Ipv6 | null {
	return ipaddr.IPv6.isValid(text) ? ipaddr.IPv6.parse(text) : null;
}

/** True when `address` lies in `base`/`bits`. */
export function inIpv4Range(address: Ipv4, base: string, bits: number): boolean {
	return address.match(ipaddr.IPv4.parse(base), bits);
}

/** An IPv4 address inside an IPv6 one, and the name of the wrapping. */
export interface EmbeddedIpv4 {
	address: Ipv4;
	form: "IPv4-mapped" | "IPv4-translated" | "IPv4-compatible" | "NAT64" | "6to4";
}

/**
 * The IPv4 address that a connection to this IPv6 address really reaches, for the forms that are
 * only wrappers: `::ffff:a.b.c.d` (mapped), `::ffff:0:a.b.c.d` (translated, RFC 6145),
 * `::a.b.c.d` (compatible, deprecated; `::` and `::1` are in it too), `64:ff9b::a.b.c.d` (NAT64,
 * RFC 6052) and `2002:aabb:ccdd::/48` (6to4). Null for any other address.
 */
export function embeddedIpv4(address: Ipv6): EmbeddedIpv4 | null {
	const groups = address.parts;
	const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = groups;
	const fromGroups = (high: number, low: number) => new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
	const low = fromGroups(g6, g7);
	const zeroTo = (n: number) => groups.slice(0, n).every((g) => g === 0);
	if (zeroTo(5) && g5 === 0xffff) return { address: low, form: "IPv4-mapped" };
	if (zeroTo(4) && g4 === 0xffff && g5 === 0) return { address: low, form: "IPv4-translated" };
	if (zeroTo(6)) return { address: low, form: "IPv4-compatible" };
	if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) {
		return { address: low, form: "NAT64" };
	}
	if (g0 === 0x2002) return { address: fromGroups(g1, g2), form: "6to4" };
	return null;
}
