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
	const figures: Figure[] = summary.top.map((item) => ({
		name: `profile, self: ${item.name}`,
		value: item.share * 100,
		unit: "%",
		detail: `${item.samples} of ${summary.busySamples} samples over ${runs} runs of ${width} subtasks`,
	}));
	return {
		title: "profile",
		figures,
		raw: {
			busySamples: summary.busySamples,
			wallMs: round(summary.wallMs),
			top: summary.top.map((i) => ({ ...i, share: round(i.share, 3) })),
			inclusive: summary.inclusive.map((i) => ({ ...i, share: round(i.share, 3) })),
		},
	};
}
