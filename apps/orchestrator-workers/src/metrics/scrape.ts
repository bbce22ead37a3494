/**
 * One scrape of `GET /metrics`: the registry's families and the browser pool's, rendered in the
 * Prometheus text format.
 */
import { renderExposition } from "./exposition";
import { poolFamilies } from "./pool-metrics";
import { registryFamilies } from "./registry-metrics";

/** The exposition text of every metric family, computed now. */
export async function scrapeMetrics(env: Env): Promise<string> {
	const [registry, pool] = await Promise.all([registryFamilies(env.DB), poolFamilies(env)]);
	return renderExposition([...registry, ...pool]);
}
