import { synthesisSchema, type Reference, type Synthesis, type SubtaskResult } from "@ow/schemas";
import { fenceData } from "./fence";
import type { BuiltPrompt } from "./prompt-version";

/** A subtask's result as the synthesiser sees it, with the plan's title. */
export type SynthesisInput = SubtaskResult & { title: string };

function describe(result: SynthesisInput): string {
	switch (result.status) {
		case "succeeded": {
			// The source URL comes from a page and goes inside the fence with the output.
			const source = result.sourceUrl ? `Source: ${result.sourceUrl}\n\n` : "";
			return fenceData(`[${result.id}] ${result.title}`, `${source}${result.output}`);
		}
		case "failed":
			// Error messages can quote page content (URLs, titles), so they are fenced too.
			return fenceData(`[${result.id}] ${result.title}: FAILED (${result.error.code})`, result.error.message);
		case "skipped":
			return `[${result.id}] ${result.title}: SKIPPED (${result.reason})`;
	}
}

/**
 * The synthesiser prompt: the big model combines subtask results into the final answer, as plain text
 * that cites its sources with markers, so the answer can stream (Workers AI's JSON mode does not).
 */
export function synthesisePrompt(input: { request: string; results: SynthesisInput[] }): BuiltPrompt {
	return {
		instructions: `You combine the results of subtasks into one answer to the user's request.
Use only facts from the results. If a subtask failed or was skipped, say what is missing instead of
guessing. Write the answer as plain text (no JSON). After each fact, cite the subtask it comes from
with its id in square brackets, exactly as the results are labelled, e.g. [facts-a].`,
		prompt: `User request:\n${input.request}\n\nSubtask results:\n${input.results.map(describe).join("\n\n")}`,
	};
}

/** A citation marker: a subtask id in square brackets, as the prompt labels the results. */
const MARKER = /\[([a-z0-9][a-z0-9-]{0,39})\]/g;

/**
 * The synthesis from the synthesiser's text. The text is the answer as written (markers kept, so what
 * streamed is exactly the answer); its references are the succeeded subtasks it cites, in order of first
 * citation, each with the page it read. A model that answered with the JSON object
 * `{answer, references}` anyway (the former format) is taken at its word. Null for an empty answer or
 * a JSON object that is no synthesis (a broken answer: the step tries again).
 */
export function synthesisFromText(text: string, results: SynthesisInput[]): Synthesis | null {
	if (text.trim().startsWith("{")) return jsonSynthesis(text);
	if (text.trim().length === 0) return null;
	const cited = new Map<string, Reference>();
	for (const [, id] of text.matchAll(MARKER)) {
		const result = results.find((r) => r.id === id);
		if (result?.status === "succeeded" && !cited.has(id!)) {
			cited.set(id!, { subtaskId: id!, url: result.sourceUrl });
		}
	}
	return { answer: text, references: [...cited.values()] };
}

function jsonSynthesis(text: string): Synthesis | null {
	try {
		const parsed = synthesisSchema.safeParse(JSON.parse(text));
		return parsed.success ? parsed.data : null;
	} catch {
		return null;
	}
}
