import { z } from "zod";

/** A reference backing the final answer: a subtask, a URL, or both. */
export const referenceSchema = z.object({
	subtaskId: z.string().nullable().describe("Id of the subtask the claim comes from, or null."),
	url: z.string().nullable().describe("URL of the page the claim comes from, or null."),
});
export type Reference = z.infer<typeof referenceSchema>;

/** The synthesiser's output and the run's result. */
export const synthesisSchema = z.object({
	answer: z.string().min(1).describe("The final answer to the user's prompt."),
	references: z.array(referenceSchema).describe("Where the answer's facts come from."),
});
export type Synthesis = z.infer<typeof synthesisSchema>;
