/**
 * The floor Worker from the benchmark's side: start it under `wrangler dev` against the same scripted
 * model server as the product, and time a run of a scenario on it as the product's runs are timed.
 */
import { engineStatus, startWranglerDev, type ModelServer, type WranglerDev } from "@ow/testing";
import { BENCH_WAIT, ENDED, phasesOf, type Overhead } from "../product.ts";
import { waitUntil } from "../stats.ts";
import type { FloorOutput, FloorParams } from "./types";

/** The floor Worker's config, relative to the repo root. */
export const FLOOR_CONFIG = "apps/orchestrator-workers/bench/floor/wrangler.jsonc";

/** Starts the floor; like the product, without wrangler's local observability collector unless asked. */
export function startFloor(models: ModelServer, { localObservability = false } = {}): Promise<WranglerDev> {
	return startWranglerDev({ configs: [FLOOR_CONFIG], vars: { MODEL_BASE_URL: models.baseURL }, localObservability });
}

/** Starts a floor run (its wave as child instances with `children`); its instance id. */
export async function startFloorRun(
	floor: WranglerDev,
	prompt: string,
	maxParallel: number,
	{ children = false } = {},
): Promise<string> {
	const res = await fetch(`${floor.url}/`, {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: JSON.stringify({ prompt, maxParallel, children } satisfies FloorParams),
	});
	if (res.status !== 202) throw new Error(`floor POST / answered ${res.status}: ${await res.text()}`);
	return ((await res.json()) as { id: string }).id;
}

/** The bare engine's status of a floor run. */
export async function floorStatus(floor: WranglerDev, id: string): Promise<InstanceStatus> {
	const res = await fetch(`${floor.url}/${id}`);
	if (res.status !== 200) throw new Error(`floor GET /${id} answered ${res.status}: ${await res.text()}`);
	return (await res.json()) as InstanceStatus;
}

/**
 * Waits for a floor run to complete (fails loudly otherwise), asking the engine as the product's runs
 * are waited for; when its last step ended, epoch ms.
 */
export async function floorFinishedAt(floor: WranglerDev, id: string): Promise<number> {
	const ended = async () => ENDED.has(await engineStatus(floor.url, "floor-workflow", id));
	await waitUntil(`floor run ${id} to end`, ended, BENCH_WAIT);
	const status = await floorStatus(floor, id);
	if (status.status !== "complete") {
		throw new Error(`floor run ${id} ended ${status.status}: ${JSON.stringify(status.error)}`);
	}
	return (status.output as FloorOutput).finishedAt;
}

/** A floor run of a bench scenario: POST sent → its last step ended, and where that time went. */
export async function timeFloorRun(
	floor: WranglerDev,
	models: ModelServer,
	scenario: { id: string; prompt: string },
	maxParallel: number,
	{ children = false } = {},
): Promise<{ endToEndMs: number; overhead: Overhead }> {
	const postedAt = Date.now();
	const doneAt = await floorFinishedAt(floor, await startFloorRun(floor, scenario.prompt, maxParallel, { children }));
	return { endToEndMs: doneAt - postedAt, overhead: phasesOf(models, scenario.id, postedAt, doneAt).overhead };
}
