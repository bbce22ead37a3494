/**
 * A model server started by another process (a vitest globalSetup), scripted over HTTP with the same
 * calls as the in-process one.
 */
import type { ScenarioDefinition, ScenarioStats } from "./types.ts";

export interface RemoteModelServer {
	url: string;
	baseURL: string;
	defineScenario(definition: ScenarioDefinition): Promise<void>;
	scenarioStats(id: string): Promise<ScenarioStats>;
}

/** Connects to the model server at `url` (its root, without /v1). */
export function connectModelServer(url: string): RemoteModelServer {
	return {
		url,
		baseURL: `${url}/v1`,
		async defineScenario(definition) {
			const res = await fetch(`${url}/__scenarios`, { method: "POST", body: JSON.stringify(definition) });
			if (res.status !== 201) throw new Error(`scenario ${definition.id} refused: ${res.status} ${await res.text()}`);
		},
		async scenarioStats(id) {
			const res = await fetch(`${url}/__scenarios/${encodeURIComponent(id)}`);
			if (res.status !== 200) throw new Error(`no scenario ${id}: ${res.status}`);
			return (await res.json()) as ScenarioStats;
		},
	};
}
