/**
 * Version of the prompt set, recorded on every run so a result can be traced to the prompts that made
 * it. Bump it whenever any prompt's wording changes.
 */
export const PROMPT_VERSION = "2026-11-29.2";

/** What every prompt builder returns: AI SDK v7 `instructions` (the system part) and the `prompt`. */
export interface BuiltPrompt {
	instructions: string;
	prompt: string;
}
