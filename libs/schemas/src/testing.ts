/** Fixtures for tests: valid samples of the schemas. Import as `@ow/schemas/testing`. */
import type { Plan, Subtask } from "./subtask-plan";
import type { Synthesis } from "./synthesis";

/** Builds an "llm" subtask with sensible defaults. */
export function llmSubtask(id: string, dependsOn: string[] = [], instructions = `Work on ${id}.`): Subtask {
	return {
		id,
		title: `Subtask ${id}`,
		instructions,
		executor: "llm",
		url: null,
		dependsOn,
		agentic: null,
		allowedOrigins: null,
		model: null,
		ensemble: null,
	};
}

/** Builds a "browser" subtask for `url`. */
export function browserSubtask(id: string, url: string, dependsOn: string[] = []): Subtask {
	return {
		id,
		title: `Read ${url}`,
		instructions: `Read ${url} and report what it says.`,
		executor: "browser",
		url,
		dependsOn,
		agentic: null,
		allowedOrigins: null,
		model: null,
		ensemble: null,
	};
}

/** Builds an agentic "browser" subtask: the agent works towards `goal` on the page at `url`. */
export function agenticSubtask(id: string, url: string, goal: string): Subtask {
	return { ...browserSubtask(id, url), title: `Act on ${url}`, instructions: goal, agentic: true };
}

/** Two independent subtasks and one that depends on both. */
export const samplePlan: Plan = {
	subtasks: [llmSubtask("facts-a"), llmSubtask("facts-b"), llmSubtask("compare", ["facts-a", "facts-b"])],
};

/** A synthesis that cites the sample plan. */
export const sampleSynthesis: Synthesis = {
	answer: "A and B compared.",
	references: [
		{ subtaskId: "facts-a", url: null },
		{ subtaskId: "facts-b", url: null },
	],
};
