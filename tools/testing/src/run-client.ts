/**
 * A small client of the orchestrator's HTTP API for end-to-end tests and benchmarks.
 */
import type { RunState, RunStatus } from "@ow/schemas";

/** Starts a run; throws unless the API answers 202. */
export async function startRun(baseURL: string, body: unknown, headers: Record<string, string> = {}): Promise<string> {
	const res = await fetch(`${baseURL}/`, {
		method: "POST",
		headers: { "content-type": "application/json", ...headers },
		body: JSON.stringify(body),
	});
	if (res.status !== 202) throw new Error(`POST / answered ${res.status}: ${await res.text()}`);
	return ((await res.json()) as { id: string }).id;
}

/** Reads a run's status. */
export async function readRun(baseURL: string, id: string): Promise<RunStatus> {
	const res = await fetch(`${baseURL}/${id}`);
	if (res.status !== 200) throw new Error(`GET /${id} answered ${res.status}: ${await res.text()}`);
	return (await res.json()) as RunStatus;
}

/** Polls `GET /:id` until the run reaches one of `statuses`; throws with the last status on timeout. */
export async function waitForRun(
	baseURL: string,
	id: string,
	statuses: RunState[] = ["complete", "errored", "terminated"],
	{ timeoutMs = 90_000, intervalMs = 200 } = {},
): Promise<RunStatus> {
	const deadline = Date.now() + timeoutMs;
	let last: RunStatus | undefined;
	while (Date.now() < deadline) {
		last = await readRun(baseURL, id);
		if (statuses.includes(last.status)) return last;
		await new Promise((r) => setTimeout(r, intervalMs));
	}
	throw new Error(
		`run ${id} did not reach ${statuses.join("/")} in ${timeoutMs} ms; last status:\n${JSON.stringify(last, null, 2)}`,
	);
}

/** A run as `GET /runs` lists it. */
export interface ListedRun {
	id: string;
	status: RunState;
	/** The prompt's first 200 characters. */
	prompt: string;
}

/** Every run `GET /runs` lists, newest first, page by page. */
export async function listRuns(baseURL: string): Promise<ListedRun[]> {
	const runs: ListedRun[] = [];
	let cursor: string | null = null;
	do {
		const query = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
		const res = await fetch(`${baseURL}/runs?limit=100${query}`);
		if (res.status !== 200) throw new Error(`GET /runs answered ${res.status}: ${await res.text()}`);
		const page = (await res.json()) as { runs: ListedRun[]; nextCursor: string | null };
		runs.push(...page.runs);
		cursor = page.nextCursor;
	} while (cursor);
	return runs;
}
