/**
 * IP address parsing for the URL policy: strict dotted quads and IPv6 text as URL parsers and
 * Chromium print them, plus the IPv4 address an IPv6 address carries when it is only a wrapper
 * around one (mapped, translated, NAT64, 6to4, IPv4-compatible).
 */

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

/** True when `address` lies in `base`/`bits`. */
export function inIpv4Range(address: number, base: string, bits: number): boolean {
	const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
	return (address & mask) >>> 0 === (parseIpv4(base)! & mask) >>> 0;
}

/** Parses an IPv6 address (`::`, a zone and a trailing dotted quad allowed) into 8 groups, or null. */
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
	const groups = part.split(":").map((g) => (/^[0-9a-f]{1,4}$/i.test(g) ? parseInt(g, 16) : Number.NaN));
	return groups.some(Number.isNaN) ? null : groups;
}

/** An IPv4 address inside an IPv6 one, and the name of the wrapping. */
export interface EmbeddedIpv4 {
	address: number;
	form: "IPv4-mapped" | "IPv4-translated" | "IPv4-compatible" | "NAT64" | "6to4";
}

/**
 * The IPv4 address that a connection to these IPv6 `groups` really reaches, for the forms that are
 * only wrappers: `::ffff:a.b.c.d` (mapped), `::ffff:0:a.b.c.d` (translated, RFC 6145),
 * `::a.b.c.d` (compatible, deprecated; `::` and `::1` are in it too), `64:ff9b::a.b.c.d` (NAT64,
 * RFC 6052) and `2002:aabb:ccdd::/48` (6to4). Null for any other address.
 */
export function embeddedIpv4(groups: readonly number[]): EmbeddedIpv4 | null {
	const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = groups;
	const low = ((g6 << 16) | g7) >>> 0;
	const zeroTo = (n: number) => groups.slice(0, n).every((g) => g === 0);
	if (zeroTo(5) && g5 === 0xffff) return { address: low, form: "IPv4-mapped" };
	if (zeroTo(4) && g4 === 0xffff && g5 === 0) return { address: low, form: "IPv4-translated" };
	if (zeroTo(6)) return { address: low, form: "IPv4-compatible" };
	if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) {
		return { address: low, form: "NAT64" };
	}
	if (g0 === 0x2002) return { address: ((g1 << 16) | g2) >>> 0, form: "6to4" };
	return null;
}
