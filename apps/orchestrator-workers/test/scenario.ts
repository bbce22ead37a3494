/**
 * Scripting the model server from inside workerd: scenarios are registered over HTTP and apply to
 * every model call whose prompt contains the scenario's id.
 */
import { env } from "cloudflare:workers";
import type { Plan, Synthesis } from "@ow/schemas";
import type { Reply, ScenarioRule, ScenarioStats } from "@ow/testing";

const serverURL = () => env.MODEL_BASE_URL.replace(/\/v1$/, "");

/** Text that identifies each kind of call, taken from the prompts in libs/prompts. */
export const CALL = {
	plan: "You are the planner",
	synthesise: "You combine the results",
	/** A subtask's call: its prompt names it by title ("Subtask <id>" in the test plans). */
	subtask: (id: string) => `Your subtask: Subtask ${id}\n`,
} as const;

export const plan = (value: Plan): Reply => ({ kind: "json", value });
export const text = (value: string): Reply => ({ kind: "text", text: value });
export const synthesis = (value: Synthesis): Reply => ({ kind: "json", value });
export const failure = (status: number): Reply => ({ kind: "error", status, message: `scripted ${status}` });

/** Registers a scenario with a fresh id and returns the id and a reader of its counters. */
export async function scenario(rules: ScenarioRule[]) {
	const id = `scn-${crypto.randomUUID()}`;
	const res = await fetch(`${serverURL()}/__scenarios`, { method: "POST", body: JSON.stringify({ id, rules }) });
	if (res.status !== 201) throw new Error(`scenario not registered: ${res.status} ${await res.text()}`);
	return {
		id,
		/** A prompt that routes every model call of the run to this scenario. */
		prompt: (request = "Compare A and B.") => `${request} [${id}]`,
		stats: async (): Promise<ScenarioStats> => (await fetch(`${serverURL()}/__scenarios/${id}`)).json(),
		callsOf: async (match: string) =>
			((await (await fetch(`${serverURL()}/__scenarios/${id}`)).json()) as ScenarioStats).rules.find(
				(r) => r.match === match,
			)?.calls ?? 0,
	};
}
