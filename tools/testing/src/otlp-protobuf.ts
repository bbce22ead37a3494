/**
 * Just enough of the protobuf wire format to read an OTLP ExportTraceServiceRequest
 * (opentelemetry/proto/collector/trace/v1): the spans' ids, names, kinds, times, attributes and status,
 * and the resource's attributes. For the test receiver; unknown fields are skipped.
 */

export type AttributeValue = string | number | boolean | null;

export interface ReceivedSpan {
	traceId: string;
	spanId: string;
	parentSpanId: string;
	name: string;
	kind: number;
	startNs: bigint;
	endNs: bigint;
	attributes: Record<string, AttributeValue>;
	status: { code: number; message: string };
	resource: Record<string, AttributeValue>;
}

type Field = { no: number; wire: number; varint?: bigint; bytes?: Uint8Array; fixed?: DataView };

/** The fields of one message, in order. */
function fields(buf: Uint8Array): Field[] {
	const out: Field[] = [];
	let pos = 0;
	const varint = (): bigint => {
		let result = 0n;
		let shift = 0n;
		for (;;) {
			const byte = buf[pos++];
			if (byte === undefined) throw new Error("truncated varint");
			result |= BigInt(byte & 0x7f) << shift;
			if ((byte & 0x80) === 0) return result;
			shift += 7n;
		}
	};
	while (pos < buf.length) {
		const key = Number(varint());
		const no = key >>> 3;
		const wire = key & 7;
		if (wire === 0) out.push({ no, wire, varint: varint() });
		else if (wire === 1 || wire === 5) {
			const size = wire === 1 ? 8 : 4;
			out.push({ no, wire, fixed: new DataView(buf.buffer, buf.byteOffset + pos, size) });
			pos += size;
		} else if (wire === 2) {
			const length = Number(varint());
			out.push({ no, wire, bytes: buf.subarray(pos, pos + length) });
			pos += length;
		} else throw new Error(`unsupported wire type ${wire}`);
	}
	return out;
}

const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b ?? new Uint8Array());
const hex = (b: Uint8Array | undefined) => [...(b ?? [])].map((x) => x.toString(16).padStart(2, "0")).join("");
const each = (fs: Field[], no: number) => fs.filter((f) => f.no === no);
const one = (fs: Field[], no: number) => fs.find((f) => f.no === no);

function anyValue(buf: Uint8Array): AttributeValue {
	const f = fields(buf)[0];
	if (!f) return null;
	if (f.no === 1) return text(f.bytes);
	if (f.no === 2) return f.varint === 1n;
	if (f.no === 3) return Number(BigInt.asIntN(64, f.varint ?? 0n));
	if (f.no === 4) return f.fixed!.getFloat64(0, true);
	return null;
}

function attributes(fs: Field[], no: number): Record<string, AttributeValue> {
	return Object.fromEntries(
		each(fs, no).map((kv) => {
			const parts = fields(kv.bytes!);
			return [text(one(parts, 1)?.bytes), anyValue(one(parts, 2)?.bytes ?? new Uint8Array())];
		}),
	);
}

export function decodeTraceRequest(body: Uint8Array): ReceivedSpan[] {
	const spans: ReceivedSpan[] = [];
	for (const rs of each(fields(body), 1)) {
		const rsFields = fields(rs.bytes!);
		const resource = attributes(fields(one(rsFields, 1)?.bytes ?? new Uint8Array()), 1);
		for (const ss of each(rsFields, 2)) {
			for (const s of each(fields(ss.bytes!), 2)) {
				const f = fields(s.bytes!);
				const status = fields(one(f, 15)?.bytes ?? new Uint8Array());
				spans.push({
					traceId: hex(one(f, 1)?.bytes),
					spanId: hex(one(f, 2)?.bytes),
					parentSpanId: hex(one(f, 4)?.bytes),
					name: text(one(f, 5)?.bytes),
					kind: Number(one(f, 6)?.varint ?? 0n),
					startNs: one(f, 7)?.fixed?.getBigUint64(0, true) ?? 0n,
					endNs: one(f, 8)?.fixed?.getBigUint64(0, true) ?? 0n,
					attributes: attributes(f, 9),
					status: { code: Number(one(status, 3)?.varint ?? 0n), message: text(one(status, 2)?.bytes) },
					resource,
				});
			}
		}
	}
	return spans;
}
