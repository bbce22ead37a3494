/**
 * 2. The production shape: a Worker invocation may have 6 outgoing connections waiting at once, so
 * the default MAX_PARALLEL is 6. A 32-subtask plan then takes at least ceil(32 / 6) = 6 rounds of one
 * model latency in its execute phase (5.33 if rounds could be split). The figure is the product's
 * end-to-end time over the floor's at the same cap; the execute phase is also set against the rounds.
 */
import type { ModelServer, WranglerDev } from "@ow/testing";
import type { Measurement } from "../figures.ts";
import { timeFloorRun } from "../floor/index.ts";
import { MODEL_LATENCY_MS, timeRun, waveScenario } from "../product.ts";
import { median, round } from "../stats.ts";

export const DEFAULT_CAP = 6;

export async function measureCapFloor(
	dev: WranglerDev,
	floor: WranglerDev,
	models: ModelServer,
	{ width = 32, repeats = 3 } = {},
): Promise<Measurement> {
	const roundsMs = Math.ceil(width / DEFAULT_CAP) * MODEL_LATENCY_MS;
	const product: number[] = [];
	const execute: number[] = [];
	const bare: number[] = [];
	for (let r = 0; r < repeats; r += 1) {
		const run = await timeRun(dev, models, waveScenario(models, width));
		product.push(run.endToEndMs);
		execute.push(run.executeMs);
		bare.push((await timeFloorRun(floor, models, waveScenario(models, width), DEFAULT_CAP)).endToEndMs);
	}
	const p = median(product);
	const f = median(bare);
	return {
		title: "default cap",
		figures: [
			{
				name: `end to end / floor, ${width} subtasks, cap ${DEFAULT_CAP}`,
				value: p / f,
				unit: "×",
				limit: 1.06,
				detail: `medians of ${repeats}: product ${Math.round(p)} ms, floor ${Math.round(f)} ms; product's execute phase ${Math.round(median(execute))} ms over ${roundsMs} ms of ${Math.ceil(width / DEFAULT_CAP)} rounds (${(median(execute) / roundsMs).toFixed(2)}×)`,
			},
		],
		raw: {
			roundsMs,
			productMs: product.map((x) => round(x)),
			floorMs: bare.map((x) => round(x)),
			executeMs: execute.map((x) => round(x)),
		},
	};
}
