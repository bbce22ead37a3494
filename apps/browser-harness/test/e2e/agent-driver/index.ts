/**
 * A stand-in for the orchestrator in the agent e2e tests: `POST /agent {request, script}` calls the
 * harness's RPC `browse(request, {decide, progress})` over a service binding, the way the
 * orchestrator's Workflow does, with a scripted model. Each `decide` answers the script's next
 * entry: an action (a ref written `@Name` is looked up by element name in the observation, as a
 * model reading the list would), `null` (no usable answer), or `"throw"` (the model call failed).
 * The answer carries the result, every observation and every progress report. `GET /pool` passes
 * the harness's pool state through.
 */
import type { AgentAction, AgentCallbacks, AgentObservation, AgentStep, BrowseResult } from "@ow/schemas";

type ScriptEntry = AgentAction | null | "throw";

interface DriverEnv {
	HARNESS: {
		browse(request: unknown, agent?: AgentCallbacks): Promise<BrowseResult>;
		poolStats(): Promise<unknown>;
	};
}

interface DriveRequest {
	request: unknown;
	script: ScriptEntry[];
}

function resolveRef(action: AgentAction, observation: AgentObservation): AgentAction {
	if (!action.ref?.startsWith("@")) return action;
	const name = action.ref.slice(1);
	const element = observation.elements.find((e) => e.name === name);
	return { ...action, ref: element?.ref ?? action.ref };
}

export default {
	async fetch(request: Request, env: DriverEnv): Promise<Response> {
		const { pathname } = new URL(request.url);
		if (request.method === "GET" && pathname === "/pool") return Response.json(await env.HARNESS.poolStats());
		if (request.method !== "POST" || pathname !== "/agent") return new Response("not found", { status: 404 });
		const body = await request.json<DriveRequest>();
		const observations: AgentObservation[] = [];
		const progress: Array<AgentStep & { maxIterations: number }> = [];
		let next = 0;
		const decide = async (observation: AgentObservation): Promise<AgentAction | null> => {
			observations.push(observation);
			const entry = body.script[next++] ?? null;
			if (entry === "throw") throw new Error("scripted model failure");
			return entry === null ? null : resolveRef(entry, observation);
		};
		const result = await env.HARNESS.browse(body.request, {
			decide,
			progress: async (step) => void progress.push(step),
		});
		return Response.json({ result, observations, progress });
	},
};
