import { z } from "zod";

/** A machine-readable error code and a message a person can act on. */
export const errorInfoSchema = z.object({
	code: z.string(),
	message: z.string(),
});
export type ErrorInfo = z.infer<typeof errorInfoSchema>;

/** Every HTTP error body: `{error: {code, message, details?}}`. */
export const apiErrorSchema = z.object({
	error: errorInfoSchema.extend({ details: z.unknown().optional() }),
});
export type ApiError = z.infer<typeof apiErrorSchema>;
