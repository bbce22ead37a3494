/**
 * 2b. The execute phase under the default cap of MAX_PARALLEL=6: N subtasks need at least
 * ceil(N / 6) model latencies, one per round of six; the figure is the phase's time over that floor.
 * The phase is timed by the model server: from the plan's answer to the synthesis request.
 */
import type { ModelServer, WranglerDev } from "@ow/testing";
import type { Measurement } from "../figures.ts";
import { MODEL_LATENCY_MS, timeRun, waveScenario } from "../product.ts";
import { median, round } from "../stats.ts";

export const DEFAULT_CAP = 6;

export async function measureCapFloor(
	dev: WranglerDev,
	models: ModelServer,
	{ width = 32, repeats = 3 } = {},
): Promise<Measurement> {
	const floorMs = Math.ceil(width / DEFAULT_CAP) * MODEL_LATENCY_MS;
	const samples: number[] = [];
	for (let r = 0; r < repeats; r += 1)
		samples.push((await timeRun(dev, models, waveScenario(models, width))).executeMs);
	const executeMs = median(samples);
	return {
		title: "default cap",
		figures: [
			{
				name: `execute phase / floor, ${width} subtasks, cap ${DEFAULT_CAP}`,
				value: executeMs / floorMs,
				unit: "×",
				limit: 1.1,
				detail: `median ${Math.round(executeMs)} ms of ${repeats} over ${floorMs} ms`,
			},
		],
		raw: { floorMs, executeMs: samples.map((x) => round(x)) },
	};
}
