/**
 * Conveniences over the product's typed client (@ow/client) for end-to-end tests and benchmarks:
 * one-line calls that throw on an unexpected answer, and polling until a run reaches a state.
 */
import { apiFetch } from "./openapi-contract.ts";
import { createOwClient, unwrap, type ListedRun, type RunRequest, type RunState, type RunStatus } from "@ow/client";

export type { ListedRun } from "@ow/client";

// Every answer passes the contract check: an answer the OpenAPI document does not describe throws.
const clientOf = (baseURL: string) => createOwClient({ baseUrl: baseURL, fetch: apiFetch });

/** Starts a run; throws unless the API answers 202. */
export async function startRun(
	baseURL: string,
	body: RunRequest,
	options: { idempotencyKey?: string } = {},
): Promise<string> {
	const result = await clientOf(baseURL).startRun(body, options);
	if (result.status !== 202)
		throw new Error(`POST / answered ${result.status}: ${JSON.stringify(result.ok ? result.data : result.error)}`);
	return unwrap(result).id;
}

/** Reads a run's status. */
export async function readRun(baseURL: string, id: string): Promise<RunStatus> {
	return unwrap(await clientOf(baseURL).getRun(id));
}

/** Polls `GET /:id` until the run reaches one of `statuses`; throws with the last status on timeout. */
export async function waitForRun(
	baseURL: string,
	id: string,
	statuses: RunState[] = ["complete", "errored", "terminated"],
	{ timeoutMs = 90_000, intervalMs = 200 } = {},
): Promise<RunStatus> {
	const client = clientOf(baseURL);
	const deadline = Date.now() + timeoutMs;
	let last: RunStatus | undefined;
	while (Date.now() < deadline) {
		last = unwrap(await client.getRun(id));
		if (statuses.includes(last.status)) return last;
		await new Promise((r) => setTimeout(r, intervalMs));
	}
	throw new Error(
		`run ${id} did not reach ${statuses.join("/")} in ${timeoutMs} ms; last status:\n${JSON.stringify(last, null, 2)}`,
	);
}

/** Every run `GET /runs` lists, newest first, page by page. */
export async function listRuns(baseURL: string): Promise<ListedRun[]> {
	const client = clientOf(baseURL);
	const runs: ListedRun[] = [];
	let cursor: string | undefined;
	do {
		const page = unwrap(await client.listRuns({ limit: 100, ...(cursor ? { cursor } : {}) }));
		runs.push(...page.runs);
		cursor = page.nextCursor ?? undefined;
	} while (cursor);
	return runs;
}
