/**
 * Metrics of the browser harness's session pool, read from the harness over RPC at scrape time. The
 * harness may be down or not deployed: then only `orchestrator_browser_pool_up 0` is reported, and
 * the scrape still succeeds with the registry's metrics.
 */
import { poolStatsSchema, type PoolStats } from "@ow/schemas";
import { harnessOf } from "../harness";
import type { MetricFamily } from "./exposition";

/** How long a scrape waits for the harness before reporting it down. */
export const POOL_STATS_TIMEOUT_MS = 2_000;

/** The `state` label values of `orchestrator_browser_pool_sessions`, and the stats field of each. */
const SESSION_STATES = ["size", "available", "busy", "launching", "unhealthy", "queued"] as const;
/** Counter families and the stats field of each. */
const POOL_COUNTERS = [
	["orchestrator_browser_pool_launched_total", "launched", "Browser sessions the pool ever launched."],
	[
		"orchestrator_browser_pool_reused_total",
		"reused",
		"Session acquisitions served by an already open browser session.",
	],
	["orchestrator_browser_pool_replaced_total", "replaced", "Browser sessions found dead or hung and thrown away."],
] as const;

/** The pool's metric families; `orchestrator_browser_pool_up` says whether the harness answered. */
export async function poolFamilies(env: Env, timeoutMs = POOL_STATS_TIMEOUT_MS): Promise<MetricFamily[]> {
	const stats = await readPoolStats(env, timeoutMs);
	const up: MetricFamily = {
		name: "orchestrator_browser_pool_up",
		help: "1 when the browser harness answered this scrape with its pool stats, else 0.",
		type: "gauge",
		samples: [{ value: stats ? 1 : 0 }],
	};
	if (!stats) return [up];
	return [
		up,
		{
			name: "orchestrator_browser_pool_sessions",
			help: "Browser session pool now: size limit, available, busy, launching, unhealthy sessions and queued browses.",
			type: "gauge",
			samples: SESSION_STATES.map((state) => ({ labels: { state }, value: stats[state] })),
		},
		...POOL_COUNTERS.map(([name, field, help]): MetricFamily => ({
			name,
			help,
			type: "counter",
			samples: [{ value: stats[field] }],
		})),
	];
}

/** The harness's pool stats, or null when it does not answer in time or answers something else. */
async function readPoolStats(env: Env, timeoutMs: number): Promise<PoolStats | null> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	const timeout = new Promise<null>((resolve) => {
		timer = setTimeout(() => resolve(null), timeoutMs);
	});
	try {
		const answer = await Promise.race([harnessOf(env).poolStats(), timeout]);
		const parsed = poolStatsSchema.safeParse(answer);
		return parsed.success ? parsed.data : null;
	} catch (_error) {
		// Unreachable harness: reported as orchestrator_browser_pool_up 0, which is what alerting watches.
		return null;
	} finally {
		if (timer !== undefined) clearTimeout(timer);
	}
}
