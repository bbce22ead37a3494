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
 * Watches the Workflow's instances with retry delays off. Disposing it (`await using`) deletes the
 * instances it saw, so hold it for as long as the test acts on its runs.
 */
export async function watchRuns() {
	const introspector = await introspectWorkflow(env.ORCHESTRATOR_WORKFLOW);
	await introspector.modifyAll(async (m) => {
		await m.disableRetryDelays();
	});
	return introspector;
}

/** Starts a run through `POST /`; returns its id and its instance's introspector. */
export async function startRun(watch: Awaited<ReturnType<typeof watchRuns>>, body: unknown) {
	const res = await post("/", body);
	if (res.status !== 202) throw new Error(`POST /: ${res.status} ${await res.text()}`);
	const { id } = await res.json<{ id: string }>();
	const instance = (await watch.get()).at(-1)!;
	return { id, instance };
}

/** Polls `GET /:id` until the run's registry status is `status`. */
export async function waitForRunStatus(id: string, status: RunStatus["status"], timeoutMs = 10_000) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const run = await getStatus(id);
		if (run.status === status) return run;
		if (Date.now() > deadline) throw new Error(`run ${id} is ${run.status}, not ${status}, after ${timeoutMs} ms`);
		await new Promise((r) => setTimeout(r, 50));
	}
}

/**
 * Starts a run with `body` and waits until its instance reaches `until`; returns the run's status.
 */
export async function runToEnd(body: unknown, until: "complete" | "errored" = "complete") {
	await using watch = await watchRuns();
	const { id, instance } = await startRun(watch, body);
	await instance.waitForStatus(until);
	const error = until === "errored" ? await instance.getError() : null;
	return { id, status: await getStatus(id), error };
}
