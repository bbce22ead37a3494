/**
 * MAX_ACTIVE_RUNS is exact, whatever arrives at once: with a limit of 3 and a model slow enough that
 * no run ends during the test, 15 simultaneous POSTs start exactly 3 runs and the other 12 are
 * answered 429 with Retry-After; a batch is admitted whole or not at all under the same limit. Its own
 * stack, because the limit is a variable.
 */
import { llmSubtask } from "@ow/schemas/testing";
import {
	listRuns,
	startModelServer,
	startProductStack,
	waitForRun,
	type ModelServer,
	type WranglerDev,
} from "@ow/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const LIMIT = 3;
let models: ModelServer;
let dev: WranglerDev;
let prompt: (n: number) => string;

interface Answer {
	status: number;
	retryAfter: string | null;
	code: string | null;
	ids: string[];
}

async function send(path: string, body: unknown): Promise<Answer> {
	const res = await fetch(`${dev.url}${path}`, {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: JSON.stringify(body),
	});
	const json = (await res.json()) as { id?: string; runs?: { id: string }[]; error?: { code: string } };
	const ids = json.runs?.map((r) => r.id) ?? (json.id ? [json.id] : []);
	return { status: res.status, retryAfter: res.headers.get("retry-after"), code: json.error?.code ?? null, ids };
}

const statuses = (answers: Answer[]) => answers.map((a) => a.status).toSorted();
const admitted = (answers: Answer[]) => answers.filter((a) => a.status === 202).flatMap((a) => a.ids);

/** Cancels runs (they would otherwise wait a minute for the slow model) and waits until they end. */
async function cancel(ids: string[]) {
	for (const id of ids) expect((await fetch(`${dev.url}/${id}`, { method: "DELETE" })).status).toBe(200);
	for (const id of ids) await waitForRun(dev.url, id, ["terminated"]);
}

beforeAll(async () => {
	models = await startModelServer();
	dev = await startProductStack(models.baseURL, { MAX_ACTIVE_RUNS: String(LIMIT) });
	const id = `scn-${crypto.randomUUID()}`;
	// A minute per plan: every admitted run stays in flight until the test cancels it.
	models.defineScenario({
		id,
		rules: [
			{
				match: "You are the planner",
				replies: [{ kind: "json", value: { subtasks: [llmSubtask("a")] }, delayMs: 60_000 }],
			},
		],
	});
	prompt = (n) => `Take your time, number ${n}. [${id}]`;
});

afterAll(async () => {
	await dev?.stop();
	await models?.close();
});

describe(`MAX_ACTIVE_RUNS=${LIMIT}`, () => {
	let first: string[] = [];

	it("should start exactly 3 of 15 simultaneous runs and answer the other 12 with 429 and Retry-After", async () => {
		const answers = await Promise.all(Array.from({ length: 15 }, (_, n) => send("/", { prompt: prompt(n) })));

		expect(statuses(answers)).toEqual([...Array(3).fill(202), ...Array(12).fill(429)]);
		for (const refused of answers.filter((a) => a.status === 429)) {
			expect(refused).toMatchObject({ retryAfter: "5", code: "too-many-runs", ids: [] });
		}
		first = admitted(answers);
		const listed = await listRuns(dev.url);
		expect(listed.map((r) => r.id).toSorted()).toEqual(first.toSorted());
		expect(listed.every((r) => r.status === "queued" || r.status === "running")).toBe(true);
	});

	it("should refuse a batch while the limit is reached, starting none of it", async () => {
		const refused = await send("/batch", { runs: [{ prompt: prompt(100) }] });

		expect(refused).toMatchObject({ status: 429, retryAfter: "5", code: "too-many-runs", ids: [] });
		expect(await listRuns(dev.url)).toHaveLength(LIMIT);
	});

	it("should admit simultaneous batches whole or not at all, up to the limit", async () => {
		await cancel(first);
		const batch = (n: number) => ({ runs: [{ prompt: prompt(200 + n) }, { prompt: prompt(300 + n) }] });

		// Five batches of two for three free places: one fits, and then a single run.
		const batches = await Promise.all(Array.from({ length: 5 }, (_, n) => send("/batch", batch(n))));
		const singles = await Promise.all(Array.from({ length: 3 }, (_, n) => send("/", { prompt: prompt(400 + n) })));

		expect(statuses(batches)).toEqual([202, 429, 429, 429, 429]);
		expect(admitted(batches)).toHaveLength(2);
		expect(statuses(singles)).toEqual([202, 429, 429]);
		const listed = await listRuns(dev.url);
		const active = listed.filter((r) => r.status !== "terminated");
		expect(active.map((r) => r.id).toSorted()).toEqual([...admitted(batches), ...admitted(singles)].toSorted());
		expect(listed).toHaveLength(LIMIT + 3);
		await cancel(active.map((r) => r.id));
	});

	it("should refuse with 400 a batch larger than the limit, which could never be admitted", async () => {
		const tooLarge = await send("/batch", {
			runs: Array.from({ length: LIMIT + 1 }, (_, n) => ({ prompt: prompt(500 + n) })),
		});

		expect(tooLarge).toMatchObject({ status: 400, code: "invalid-request", ids: [] });
		expect(await listRuns(dev.url)).toHaveLength(LIMIT + 3);
	});
});
