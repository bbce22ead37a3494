/**
 * The demo model's answers to the product's three other prompts: a subtask quotes the page and the
 * earlier results it was given, the synthesis combines the subtask results and cites them, and a
 * browser agent finishes at once with what the page says. Nothing is made up: every fact in an answer
 * is quoted from the prompt, and anything the demo cannot know is said to be scripted.
 */
import type { Reference, Synthesis } from "@ow/schemas";
import { dataSections, excerpt, lineAfter, textBetween } from "./prompt-text.ts";

/** Longest quote of a page in a subtask answer. */
const PAGE_QUOTE_CHARS = 320;
/** Longest quote of an earlier result in a subtask answer. */
const DEPENDENCY_QUOTE_CHARS = 240;
/** Longest quote of one subtask's result in the synthesis. */
const RESULT_QUOTE_CHARS = 480;

/** A page as the worker prompt shows it: `URL: …\nTitle: …\n\n<text>`. */
function readPage(text: string): { url: string; title: string; body: string } {
	const [head = "", ...body] = text.split("\n\n");
	return {
		url: lineAfter(head, "URL: ") ?? "",
		title: lineAfter(head, "Title: ") ?? "",
		body: body.join("\n\n"),
	};
}

/** The answer of a subtask (its prompt is the worker prompt: "Your subtask: …", page, earlier results). */
export function demoSubtaskAnswer(prompt: string): string {
	const title = lineAfter(prompt, "Your subtask: ") ?? "the subtask";
	const { sections } = dataSections(prompt);
	const lines: string[] = [];
	for (const section of sections) {
		if (section.label === "The page") {
			const page = readPage(section.text);
			const name = page.title ? `"${excerpt(page.title, 100)}" (${page.url})` : page.url;
			const quote = excerpt(page.body, PAGE_QUOTE_CHARS);
			lines.push(quote ? `The page ${name} says: "${quote}"` : `The page ${name} has no text to quote.`);
			continue;
		}
		const dependency = /^Result of "(.*)" \(([a-z0-9-]+)\)$/.exec(section.label);
		if (dependency) {
			lines.push(
				`Building on ${dependency[2]} ("${dependency[1]}"): "${excerpt(section.text, DEPENDENCY_QUOTE_CHARS)}"`,
			);
		}
	}
	if (lines.length === 0) {
		lines.push(
			`Scripted demo answer for "${excerpt(title, 120)}": the demo model knows nothing of its own; a real ` +
				"model answers this from its knowledge. Give it a URL to read and the answer quotes the page.",
		);
	}
	return lines.join("\n");
}

interface SubtaskOutcome {
	id: string;
	title: string;
	status: "succeeded" | "failed" | "skipped";
	/** The output (succeeded), the error's code and message (failed) or the reason (skipped). */
	detail: string;
	url: string | null;
}

/** The subtask results of a synthesis prompt, in the order they were given. */
function readResults(prompt: string): SubtaskOutcome[] {
	const { sections, rest } = dataSections(prompt);
	const outcomes: SubtaskOutcome[] = [];
	for (const section of sections) {
		const failed = /^\[([a-z0-9-]+)\] (.*): FAILED \((.*)\)$/.exec(section.label);
		if (failed) {
			outcomes.push({ id: failed[1]!, title: failed[2]!, status: "failed", detail: failed[3]!, url: null });
			continue;
		}
		const succeeded = /^\[([a-z0-9-]+)\] (.*)$/.exec(section.label);
		if (!succeeded) continue;
		const source = /^Source: (\S+)\n\n/.exec(section.text);
		outcomes.push({
			id: succeeded[1]!,
			title: succeeded[2]!,
			status: "succeeded",
			detail: source ? section.text.slice(source[0].length) : section.text,
			url: source ? source[1]! : null,
		});
	}
	for (const match of rest.matchAll(/^\[([a-z0-9-]+)\] (.*): SKIPPED \((.*)\)$/gm)) {
		outcomes.push({ id: match[1]!, title: match[2]!, status: "skipped", detail: match[3]!, url: null });
	}
	return outcomes;
}

/** The synthesis: every result quoted under its title, and a reference to each subtask (and page) used. */
export function demoSynthesis(prompt: string): Synthesis {
	const request = textBetween(prompt, "User request:\n", ["\n\nSubtask results:"]) ?? "";
	const outcomes = readResults(prompt);
	const used = outcomes.filter((o) => o.status === "succeeded");
	const lines = outcomes.map((o) => {
		// A browser subtask's title usually names its URL already.
		const where = o.url && !o.title.includes(o.url) ? ` (${o.url})` : "";
		if (o.status === "succeeded") return `- ${o.title} [${o.id}]${where}: ${excerpt(o.detail, RESULT_QUOTE_CHARS)}`;
		if (o.status === "failed") return `- ${o.title} [${o.id}]: failed (${o.detail}), so this part is missing.`;
		return `- ${o.title} [${o.id}]: skipped (${o.detail}), so this part is missing.`;
	});
	const head =
		used.length > 0
			? `Scripted demo answer to "${excerpt(request, 160)}", combined from ${used.length} of ${outcomes.length} subtask results:`
			: `Scripted demo answer to "${excerpt(request, 160)}": no subtask produced a result to combine.`;
	const references: Reference[] = used.map((o) => ({ subtaskId: o.id, url: o.url }));
	return { answer: [head, ...lines].join("\n"), references };
}

/** A browser agent's action: done at once, answering with what the page says. */
export function demoAgentAction(prompt: string): { type: "done"; text: string; reason: string } {
	const page = dataSections(prompt).sections.find((s) => s.label === "The page");
	const text = page ? `The page says: "${excerpt(page.text, PAGE_QUOTE_CHARS)}"` : "The demo model saw no page.";
	return { type: "done", text, reason: "The demo model answers from the first page it sees." };
}
