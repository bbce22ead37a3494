/**
 * The admission switch: whether the deployment takes new runs (`POST /`, `/batch`, schedules).
 *
 * - admissionRequestSchema: the body of `POST /admission`.
 * - admissionStateSchema: what `GET /admission` and `POST /admission` answer.
 */
import { z } from "zod";

/** Longest reason a closed admission may give. */
export const MAX_ADMISSION_REASON = 500;
/** The Retry-After of refused runs when the closing request named none. */
export const DEFAULT_ADMISSION_RETRY_AFTER_SECONDS = 60;

/** Body of `POST /admission`: close (`open: false`, with why and when to come back) or reopen. */
export const admissionRequestSchema = z
	.object({
		open: z.boolean(),
		/** Shown to every client refused while admission is closed. */
		reason: z.string().trim().min(1).max(MAX_ADMISSION_REASON).optional(),
		/** The Retry-After of refused runs, in seconds. */
		retryAfterSeconds: z
			.int()
			.min(1)
			.max(24 * 60 * 60)
			.optional(),
	})
	.strict();
export type AdmissionRequest = z.infer<typeof admissionRequestSchema>;

/** Whether new runs are admitted; running and delayed runs go on either way. */
export const admissionStateSchema = z.object({
	open: z.boolean(),
	reason: z.string().nullable(),
	retryAfterSeconds: z.int(),
	/** When the switch was last set; null when it never was (open). */
	updatedAt: z.string().nullable(),
});
export type AdmissionState = z.infer<typeof admissionStateSchema>;

/** The state of a deployment whose switch was never set. */
export const OPEN_ADMISSION: AdmissionState = Object.freeze({
	open: true,
	reason: null,
	retryAfterSeconds: DEFAULT_ADMISSION_RETRY_AFTER_SECONDS,
	updatedAt: null,
});
