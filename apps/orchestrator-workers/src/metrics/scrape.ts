/**
 * One scrape of `GET /metrics`: the registry's families and the browser pool's, rendered in the
 * Prometheus text format.
 */
import { renderExposition } from "./exposition";
import { poolFamilies } from "./pool-metrics";
import { registryFamilies } from "./registry-metrics";
import { traceFamilies } from "./trace-metrics";

/** The exposition text of every metric family, computed now. */
export async function scrapeMetrics(env: Env): Promise<string> {
	const [registry, traces, pool] = await Promise.all([
		registryFamilies(env.DB),
		traceFamilies(env.DB),
		poolFamilies(env),
	]);
	return renderExposition([...registry, ...traces, ...pool]);
}
