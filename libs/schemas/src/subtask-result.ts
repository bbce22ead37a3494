import { z } from "zod";
import { usageSchema } from "./usage";

/** What a finished subtask step returns; kept far below the 1 MiB step limit by truncation. */
export const subtaskOutputSchema = z.object({
	output: z.string(),
	/** True when `output` was cut to the configured size (the text then ends with a marker). */
	truncated: z.boolean(),
	/** The page that was read, for browser subtasks. */
	source: z.object({ url: z.string(), title: z.string(), screenshotKey: z.string().nullable() }).nullable(),
	usage: usageSchema,
});
export type SubtaskOutput = z.infer<typeof subtaskOutputSchema>;

/** A subtask's outcome as synthesis sees it. */
export const subtaskResultSchema = z.discriminatedUnion("status", [
	z.object({ id: z.string(), status: z.literal("succeeded"), output: z.string(), sourceUrl: z.string().nullable() }),
	z.object({ id: z.string(), status: z.literal("failed"), error: z.object({ code: z.string(), message: z.string() }) }),
	z.object({ id: z.string(), status: z.literal("skipped"), reason: z.string() }),
]);
export type SubtaskResult = z.infer<typeof subtaskResultSchema>;
