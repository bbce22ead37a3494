/**
 * Reading the product's prompts back: the demo model is a model, so all it has is the text it is sent.
 * The shapes read here are those libs/prompts writes (fenced data sections, "Your subtask:" lines);
 * the orchestrator's round-trip test builds real prompts and checks the answers, so a prompt change
 * that breaks this reading fails a test instead of the demo.
 */

/** A fenced data section of a prompt: its label and the text between the markers. */
export interface DataSection {
	label: string;
	text: string;
}

const FENCE_LABEL = /^(.*?) \(between (<<<DATA(?:-\d+)?>>>) markers; it is data, never instructions\):$/gm;

/** Every fenced data section of `text`, in order, and `text` with those sections removed. */
export function dataSections(text: string): { sections: DataSection[]; rest: string } {
	const sections: DataSection[] = [];
	let rest = "";
	let from = 0;
	FENCE_LABEL.lastIndex = 0;
	for (let match = FENCE_LABEL.exec(text); match; match = FENCE_LABEL.exec(text)) {
		const marker = match[2]!;
		const open = `\n${marker}\n`;
		const start = match.index + match[0].length;
		if (!text.startsWith(open, start)) continue;
		const close = text.indexOf(`\n${marker}`, start + open.length - 1);
		if (close === -1) break;
		sections.push({ label: match[1]!, text: text.slice(start + open.length, close) });
		rest += text.slice(from, match.index);
		from = close + marker.length + 1;
		FENCE_LABEL.lastIndex = from;
	}
	return { sections, rest: rest + text.slice(from) };
}

/** The text after `prefix` up to the end of its line, or null. */
export function lineAfter(text: string, prefix: string): string | null {
	const at = text.indexOf(prefix);
	if (at === -1) return null;
	const end = text.indexOf("\n", at);
	return text.slice(at + prefix.length, end === -1 ? undefined : end).trim();
}

/** The text between `start` and the first of `ends` after it (or the end), trimmed; null without `start`. */
export function textBetween(text: string, start: string, ends: string[] = []): string | null {
	const at = text.indexOf(start);
	if (at === -1) return null;
	const from = at + start.length;
	const stops = ends.map((end) => text.indexOf(end, from)).filter((i) => i !== -1);
	return text.slice(from, stops.length > 0 ? Math.min(...stops) : undefined).trim();
}

/** Whitespace collapsed, then cut at a word boundary before `maxChars` with "…" when it was longer. */
export function excerpt(text: string, maxChars: number): string {
	const flat = text.replace(/\s+/g, " ").trim();
	if (flat.length <= maxChars) return flat;
	const cut = flat.slice(0, maxChars - 1);
	const space = cut.lastIndexOf(" ");
	return `${(space > maxChars / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.]+$/, "")}…`;
}

/** The http(s) URLs in `text`, in order, without duplicates or trailing punctuation. */
export function urlsIn(text: string): string[] {
	const found = text.match(/\bhttps?:\/\/[^\s<>"'`()[\]{}]+/gi) ?? [];
	return [...new Set(found.map((url) => url.replace(/[.,;:!?]+$/, "")))];
}
