/**
 * A run's trace id is derived from its id, so every step of the run joins one trace whatever isolate,
 * retry, replay or restart runs it, with no id to store. Span ids of step attempts are random: an
 * attempt's span is made once, when its body runs.
 */
const HEX = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");

async function digest(text: string): Promise<Uint8Array> {
	return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}

/** 32 hex digits: the first 16 bytes of SHA-256(run id). Never all zeros (an invalid trace id). */
export async function traceIdOf(runId: string): Promise<string> {
	const id = HEX((await digest(`trace:${runId}`)).slice(0, 16));
	return /^0+$/.test(id) ? `${id.slice(0, 31)}1` : id;
}

/** The span id of the run's root span: derived too, so each attempt can name it as its parent. */
export async function rootSpanIdOf(runId: string): Promise<string> {
	const id = HEX((await digest(`root:${runId}`)).slice(0, 8));
	return /^0+$/.test(id) ? `${id.slice(0, 15)}1` : id;
}

/** 16 random hex digits. */
export function newSpanId(): string {
	return HEX(crypto.getRandomValues(new Uint8Array(8)));
}
