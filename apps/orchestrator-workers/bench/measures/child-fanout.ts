/**
 * 11. The README's design for waves wider than a Worker's 6 outgoing connections, on the floor: a
 * wave of 32 run as child Workflow instances (created together with `createBatch`, each reporting to
 * the parent with `sendEvent`, the parent waiting with `step.waitForEvent`), against the same wave as
 * steps of the one instance, uncapped (what the children are for) and at the default cap of 6 (what a
 * deployment runs without them). Bare Workflows on both sides, so this is the design's own price.
 */
import type { ModelServer, WranglerDev } from "@ow/testing";
import type { Measurement } from "../figures.ts";
import { timeFloorRun } from "../floor/index.ts";
import { waveScenario } from "../product.ts";
import { median, round } from "../stats.ts";
import { DEFAULT_CAP } from "./cap-floor.ts";

export async function measureChildFanout(
	floor: WranglerDev,
	models: ModelServer,
	{ width = 32, repeats = 3 } = {},
): Promise<Measurement> {
	const children: number[] = [];
	const steps: number[] = [];
	const capped: number[] = [];
	for (let r = 0; r < repeats; r += 1) {
		children.push(
			(await timeFloorRun(floor, models, waveScenario(models, width), width, { children: true })).endToEndMs,
		);
		steps.push((await timeFloorRun(floor, models, waveScenario(models, width), width)).endToEndMs);
		capped.push((await timeFloorRun(floor, models, waveScenario(models, width), DEFAULT_CAP)).endToEndMs);
	}
	const [c, s, k] = [median(children), median(steps), median(capped)];
	const detail = `medians of ${repeats}, bare: ${width} children ${Math.round(c)} ms, ${width} steps ${Math.round(s)} ms, steps at cap ${DEFAULT_CAP} ${Math.round(k)} ms`;
	return {
		title: "child workflows",
		figures: [
			{
				name: `wave of ${width} as child Workflows / as steps, uncapped`,
				value: c / s,
				unit: "×",
				detail: `${detail}; each child is an instance and two steps, plus a wait step in the parent`,
			},
			{
				name: `wave of ${width} as child Workflows / as steps at cap ${DEFAULT_CAP}`,
				value: c / k,
				unit: "×",
				detail: `${detail}; on Cloudflare each child has its own 6 connections, so the cap no longer makes rounds`,
			},
		],
		raw: { width, childrenMs: children.map(round), stepsMs: steps.map(round), cappedMs: capped.map(round) },
	};
}
