/**
 * One scrape of `GET /metrics`: the registry's families, the admission switch and the browser pool's, rendered in the
 * Prometheus text format.
 */
import { admissionFamilies } from "./admission-metrics";
import { renderExposition } from "./exposition";
import { poolFamilies } from "./pool-metrics";
import { registryFamilies } from "./registry-metrics";
import { traceFamilies } from "./trace-metrics";

/** The exposition text of every metric family, computed now. */
export async function scrapeMetrics(env: Env): Promise<string> {
	const [registry, traces, admission, pool] = await Promise.all([
		registryFamilies(env),
		traceFamilies(env.DB),
		admissionFamilies(env.DB),
		poolFamilies(env),
	]);
	return renderExposition([...registry, ...traces, ...admission, ...pool]);
}
