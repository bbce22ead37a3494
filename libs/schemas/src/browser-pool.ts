import { z } from "zod";

/** Bounds of the browser harness's session pool; `POST /pool/scale` and `scalePool` enforce them. */
export const BROWSER_POOL_LIMITS = Object.freeze({
	minSize: 1,
	/** Browser Run's concurrent-session limit per account is far above this on paid plans. */
	maxSize: 32,
});

/**
 * A snapshot of the browser harness's session pool (`BrowserHarness.poolStats`, `GET /pool`).
 * Gauges describe the pool now; counters only grow for the life of the pool's Durable Object storage.
 */
export const poolStatsSchema = z.object({
	/** Most sessions the pool keeps open at once (`BROWSER_POOL_SIZE`, or the last `scalePool`). */
	size: z.int().min(0),
	/** Open sessions waiting for work. */
	available: z.int().min(0),
	/** Sessions lent out to a browse right now. */
	busy: z.int().min(0),
	/** Sessions being launched right now. */
	launching: z.int().min(0),
	/** Dead or hung sessions being thrown away right now. */
	unhealthy: z.int().min(0),
	/** Browses waiting for a session. */
	queued: z.int().min(0),
	/** Counter: sessions ever launched. */
	launched: z.int().min(0),
	/** Counter: acquisitions served by an already open session. */
	reused: z.int().min(0),
	/** Counter: sessions found dead or hung and thrown away. */
	replaced: z.int().min(0),
});
export type PoolStats = z.infer<typeof poolStatsSchema>;

/** Body of `POST /pool/scale` (and the argument of `scalePool`). */
export const poolScaleRequestSchema = z
	.object({ size: z.int().min(BROWSER_POOL_LIMITS.minSize).max(BROWSER_POOL_LIMITS.maxSize) })
	.strict();
export type PoolScaleRequest = z.infer<typeof poolScaleRequestSchema>;
