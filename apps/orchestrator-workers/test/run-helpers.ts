/**
 * Starting runs through the real HTTP API inside workerd, and waiting for them through the Workflow
 * introspector (retry delays off, so retries take no wall-clock time).
 */
import { introspectWorkflow } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import type { RunStatus } from "@ow/schemas";

export async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
	return exports.default.fetch(`http://orchestrator.test${path}`, {
		method: "POST",
		headers: { "content-type": "application/json", ...headers },
		body: typeof body === "string" ? body : JSON.stringify(body),
	});
}

export async function getStatus(id: string): Promise<RunStatus> {
	const res = await exports.default.fetch(`http://orchestrator.test/${id}`);
	if (res.status !== 200) throw new Error(`GET /${id}: ${res.status} ${await res.text()}`);
	return res.json();
}

/**
 * Starts a run with `body` and waits until its instance reaches `until`; returns the run's status.
 */
export async function runToEnd(body: unknown, until: "complete" | "errored" = "complete") {
	await using introspector = await introspectWorkflow(env.ORCHESTRATOR_WORKFLOW);
	await introspector.modifyAll(async (m) => {
		await m.disableRetryDelays();
	});
	const res = await post("/", body);
	if (res.status !== 202) throw new Error(`POST /: ${res.status} ${await res.text()}`);
	const { id } = await res.json<{ id: string }>();
	const [instance] = await introspector.get();
	await instance!.waitForStatus(until);
	const error = until === "errored" ? await instance!.getError() : null;
	return { id, status: await getStatus(id), error };
}
