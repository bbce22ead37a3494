import type { SubtaskResult } from "@ow/schemas";
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

/** The synthesiser prompt: the big model combines subtask results into the final answer. */
export function synthesisePrompt(input: { request: string; results: SynthesisInput[] }): BuiltPrompt {
	return {
		instructions: `You combine the results of subtasks into one answer to the user's request.
Use only facts from the results. If a subtask failed or was skipped, say what is missing instead of
guessing. List in references the subtask ids (and page URLs) your answer relies on.`,
		prompt: `User request:\n${input.request}\n\nSubtask results:\n${input.results.map(describe).join("\n\n")}`,
	};
}
