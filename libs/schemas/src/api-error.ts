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

/**
 * The code of the 503 a new run gets while admission is closed (`POST /admission {open: false}`):
 * nothing is wrong with the request, so a client waits `Retry-After` and sends it again.
 */
export const ADMISSION_CLOSED = "admission-closed";
