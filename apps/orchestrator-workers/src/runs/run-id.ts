/**
 * Run ids: `run_` + a time part + a random part. Never reused (Workflows instance ids must be unique),
 * and they sort by creation time, which keeps listings and logs in order.
 */

export const RUN_ID_PATTERN = /^run_[0-9a-z]{20,40}$/;

/** A new, unique run id. */
export function newRunId(now = Date.now()): string {
	const time = now.toString(36).padStart(10, "0");
	const random = Array.from(crypto.getRandomValues(new Uint8Array(10)), (b) => (b % 36).toString(36)).join("");
	return `run_${time}${random}`;
}
