/**
 * A stand-in for the orchestrator in the agent e2e tests: `POST /agent {request, script, repeat?}`
 * drives an agent session over the harness's RPC (`openSession`, then `act` per decision, then
 * `releaseSession`) the way the orchestrator's Workflow does, with the same loop rules
 * (`afterAgentStep`) and a scripted model. Each decision answers the script's next entry: an action
 * (a ref written `@Name` is looked up by element name in the observation, as a model reading the
 * list would) or `null` (no usable answer). `repeat` lists iterations whose `act` is sent twice, as a
 * step retry whose first answer was lost would. The answer carries the outcome, every observation,
 * every recorded step and the answers to the repeats. `GET /pool` passes the pool's state through.
 */
import {
	AGENT_DEFAULT_MAX_ITERATIONS,
	afterAgentStep,
	agentObservationOf,
	startAgentLoop,
	type AgentAction,
	type AgentObservation,
	type AgentSessionResult,
	type AgentStep,
	type BrowsedPage,
} from "@ow/schemas";

interface DriverEnv {
	HARNESS: {
		openSession(request: unknown): Promise<AgentSessionResult>;
		act(request: unknown): Promise<AgentSessionResult>;
		releaseSession(leaseId: string): Promise<boolean>;
		poolStats(): Promise<unknown>;
	};
}

interface DriveRequest {
	request: { url: string; maxIterations?: number; allowedOrigins?: string[] };
	script: Array<AgentAction | null>;
	repeat?: number[];
}

/** How the drive ended: the final page with the agent's answer, or an error with the steps so far. */
export type DriveResult =
	| { ok: true; page: BrowsedPage & { agent: { answer: string | null; actions: AgentStep[]; iterations: number } } }
	| { ok: false; error: { code: string; message: string; retryable: boolean }; actions: AgentStep[] };

function resolveRef(action: AgentAction, observation: AgentObservation): AgentAction {
	if (!action.ref?.startsWith("@")) return action;
	const name = action.ref.slice(1);
	const element = observation.elements.find((e) => e.name === name);
	return { ...action, ref: element?.ref ?? action.ref };
}

async function drive(env: DriverEnv, body: DriveRequest) {
	const observations: AgentObservation[] = [];
	const progress: Array<AgentStep & { maxIterations: number }> = [];
	const repeats: Array<{ k: number; first: AgentSessionResult; again: AgentSessionResult }> = [];
	const maxIterations = body.request.maxIterations ?? AGENT_DEFAULT_MAX_ITERATIONS;
	const leaseId = `drive-${crypto.randomUUID()}`;
	const { url, allowedOrigins } = body.request;
	const opened = await env.HARNESS.openSession({ leaseId, url, ...(allowedOrigins ? { allowedOrigins } : {}) });
	let state = startAgentLoop();
	let result: DriveResult | null = null;
	try {
		if (!opened.ok) return { result: { ...opened, actions: [] }, observations, progress, repeats };
		let view = opened.view!;
		for (let k = 1; result === null; k++) {
			const observation = agentObservationOf(state, view, maxIterations);
			observations.push(observation);
			const entry = body.script[k - 1] ?? null;
			let step: AgentStep | null = null;
			let answer: AgentSessionResult | null = null;
			if (entry !== null) {
				const request = { leaseId, k, action: resolveRef(entry, observation), observed: view };
				answer = await env.HARNESS.act(request);
				if (body.repeat?.includes(k)) repeats.push({ k, first: answer, again: await env.HARNESS.act(request) });
				if (!answer.ok) {
					result = { ok: false, error: answer.error, actions: state.steps };
					break;
				}
				step = answer.step;
				if (step) progress.push({ ...step, maxIterations });
			}
			const next = afterAgentStep(state, step, maxIterations);
			state = next.state;
			if (next.kind === "done" && answer?.ok && answer.page) {
				const agent = { answer: next.answer, actions: state.steps, iterations: state.iterations };
				result = { ok: true, page: { ...answer.page, agent } };
			} else if (next.kind === "failed") {
				result = {
					ok: false,
					error: { code: next.code, message: next.message, retryable: false },
					actions: state.steps,
				};
			} else if (answer?.ok && answer.view) {
				view = answer.view;
			}
		}
		return { result, observations, progress, repeats };
	} finally {
		await env.HARNESS.releaseSession(leaseId);
	}
}

export default {
	async fetch(request: Request, env: DriverEnv): Promise<Response> {
		const { pathname } = new URL(request.url);
		if (request.method === "GET" && pathname === "/pool") return Response.json(await env.HARNESS.poolStats());
		if (request.method !== "POST" || pathname !== "/agent") return new Response("not found", { status: 404 });
		return Response.json(await drive(env, await request.json<DriveRequest>()));
	},
};
