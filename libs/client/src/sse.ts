/**
 * A Server-Sent Events parser over a fetch body
 * (https://html.spec.whatwg.org/multipage/server-sent-events.html): yields each block that has data;
 * comments and `retry:`-only blocks are skipped.
 */

/** One dispatched SSE message: the fields of one block of the stream. */
export interface SseFrame {
	id: string | undefined;
	event: string | undefined;
	data: string;
}

export async function* parseSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseFrame> {
	let buffer = "";
	let frame: { id?: string; event?: string; data: string[] } = { data: [] };
	for await (const chunk of body.pipeThrough(new TextDecoderStream())) {
		buffer += chunk;
		const lines = buffer.split(/\r\n|\r|\n/);
		buffer = lines.pop() ?? "";
		for (const line of lines) {
			if (line === "") {
				if (frame.data.length > 0) yield { id: frame.id, event: frame.event, data: frame.data.join("\n") };
				frame = { data: [] };
				continue;
			}
			if (line.startsWith(":")) continue;
			const colon = line.indexOf(":");
			const field = colon === -1 ? line : line.slice(0, colon);
			const value = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
			if (field === "data") frame.data.push(value);
			else if (field === "id") frame.id = value;
			else if (field === "event") frame.event = value;
		}
	}
}
