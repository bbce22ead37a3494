/**
 * 7. Where the product's own time goes: a CPU profile of the orchestrator Worker (its isolate, through
 * wrangler's inspector) during 32-subtask runs, as the functions with the most self time. The engine,
 * D1 and the Durable Objects run outside that isolate, so everything listed is the product's code or
 * what it calls (the SDK, Hono, zod, D1's client).
 */
import type { ModelServer, WranglerDev } from "@ow/testing";
import type { Figure, Measurement } from "../figures.ts";
import { newestBundleMap, profileWorker, sourceNamer, summarise } from "../cpu-profile.ts";
import { timeRun, waveScenario } from "../product.ts";
import { round } from "../stats.ts";

const TOP = 10;

export async function measureProfile(
	dev: WranglerDev,
	inspectorPort: number,
	models: ModelServer,
	{ width = 32, runs = 3 } = {},
): Promise<Measurement> {
	const { profile } = await profileWorker(inspectorPort, async () => {
		for (let r = 0; r < runs; r++) await timeRun(dev, models, waveScenario(models, width));
	});
	const summary = summarise(profile, sourceNamer(newestBundleMap()), TOP);
	const perSubtask = summary.busyMs / (runs * width);
	const figures: Figure[] = [
		{
			name: `orchestrator isolate busy per subtask (profile, ${width}-subtask runs)`,
			value: perSubtask,
			unit: "ms",
			detail: `${Math.round(summary.busyMs)} ms busy of ${Math.round(summary.wallMs)} ms over ${runs} runs; the top items by self time follow`,
		},
		...summary.top.map((item) => ({
			name: `profile: ${item.name}`,
			value: item.share * 100,
			unit: "%" as const,
			detail: `${Math.round(item.selfMs)} ms self`,
		})),
	];
	return {
		title: "profile",
		figures,
		raw: {
			busyMs: round(summary.busyMs),
			wallMs: round(summary.wallMs),
			top: summary.top.map((i) => ({ ...i, selfMs: round(i.selfMs), share: round(i.share, 3) })),
			inclusive: summary.inclusive.map((i) => ({ ...i, totalMs: round(i.totalMs), share: round(i.share, 3) })),
		},
	};
}
