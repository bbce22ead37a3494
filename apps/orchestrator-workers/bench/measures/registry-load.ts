/**
 * 8. The registry's load on D1: round trips, reads and writes per run (1, 8 and 32 llm subtasks) and per
 * status read, counted inside the orchestrator's isolate (registry-calls.ts). A run is awaited through
 * the engine, not `GET /:id`, so its count holds the run's own traffic only. D1 is one database that
 * runs one query at a time; these counts set the run rate at which it fills (README, "Scale"). A run's
 * live state is in its own Durable Object (src/registry/run-store-object.ts), one per run, so it is not
 * counted here: D1 only has each run's row, written when it changes.
 */
import { startRun, type ModelServer, type WranglerDev } from "@ow/testing";
import type { Figure, Measurement } from "../figures.ts";
import { waitForEngine, waveScenario } from "../product.ts";
import { countRegistryCalls, type RegistryCalls } from "../registry-calls.ts";

export async function measureRegistryLoad(
	dev: WranglerDev,
	inspectorPort: number,
	models: ModelServer,
): Promise<Measurement> {
	// GET /runs reads D1 in the isolate.
	const useD1 = async () => (await fetch(`${dev.url}/runs?limit=1`)).arrayBuffer();
	const rows: [string, RegistryCalls][] = [];
	let finished = "";
	for (const width of [1, 8, 32]) {
		const scenario = waveScenario(models, width);
		const { value: id, calls } = await countRegistryCalls(
			inspectorPort,
			async () => {
				const runId = await startRun(dev.url, { prompt: scenario.prompt, options: { maxSubtasks: width } });
				await waitForEngine(dev, runId);
				return runId;
			},
			useD1,
		);
		finished = id;
		rows.push([`run of ${width} llm subtask${width === 1 ? "" : "s"}`, calls]);
	}
	const read = await countRegistryCalls(
		inspectorPort,
		async () => (await fetch(`${dev.url}/${finished}`)).json(),
		useD1,
	);
	rows.push(["GET /:id", read.calls]);
	const figures: Figure[] = rows.map(([what, c]) => ({
		name: `D1 statements, ${what}`,
		value: c.reads + c.writes,
		unit: "statements",
		detail: `${c.writes} writes, ${c.reads} reads in ${c.roundTrips} round trips`,
	}));
	return { title: "registry load", figures, raw: Object.fromEntries(rows) };
}
