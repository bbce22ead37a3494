/**
 * Idempotency-Key end to end, after the IETF draft: a key names one run while it lives
 * (IDEMPOTENCY_TTL_HOURS, here 0.002 h = 7.2 s) and a new run after it expired; simultaneous requests
 * with one key start one run; a request whose Workflow could not be created answers 503, leaves no
 * run, and the same key then succeeds.
 *
 * The engine refuses for real: the dev server is restarted with its D1 registry wiped but the Workflow
 * engine's state kept (a registry restored from an old backup), so the key's first use derives the id
 * of an instance the engine already has.
 */
import { rmSync, statSync } from "node:fs";
import path from "node:path";
import { llmSubtask } from "@ow/schemas/testing";
import {
	listRuns,
	runWrangler,
	startModelServer,
	startProductStack,
	waitForRun,
	type ModelServer,
	type WranglerDev,
} from "@ow/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const TTL_MS = 0.002 * 3_600_000;
const VARS = { IDEMPOTENCY_TTL_HOURS: "0.002" };
let models: ModelServer;
let dev: WranglerDev;
let prompt: (request: string) => string;

async function post(key: string, body: unknown) {
	const res = await fetch(`${dev.url}/`, {
		method: "POST",
		headers: { "content-type": "application/json", "idempotency-key": key },
		body: JSON.stringify(body),
	});
	const json = (await res.json()) as { id?: string; error?: { code: string; message: string } };
	return {
		status: res.status,
		id: json.id ?? null,
		error: json.error ?? null,
		retryAfter: res.headers.get("retry-after"),
	};
}

const complete = async (id: string | null) => (await waitForRun(dev.url, id!, ["complete", "errored"])).status;

beforeAll(async () => {
	models = await startModelServer();
	dev = await startProductStack(models.baseURL, VARS);
	const id = `scn-${crypto.randomUUID()}`;
	models.defineScenario({
		id,
		rules: [
			{
				match: "You are the planner",
				replies: [{ kind: "json", value: { subtasks: [llmSubtask("a")] } }],
			},
			{ match: "Your subtask", replies: [{ kind: "text", text: "noted" }] },
			{
				match: "You combine the results",
				replies: [{ kind: "json", value: { answer: "{{fenced}}", references: [] } }],
			},
		],
	});
	prompt = (request) => `${request} [${id}]`;
});

afterAll(async () => {
	await dev?.stop();
	await models?.close();
});

describe("an Idempotency-Key", () => {
	it("should name its run while it lives and start a new run once it expired", async () => {
		const key = crypto.randomUUID();
		const body = { prompt: prompt("Note the time.") };
		const first = await post(key, body);
		const retry = await post(key, body);
		const otherBody = await post(key, { prompt: prompt("Something else.") });
		expect([first.status, retry.status, otherBody.status]).toEqual([202, 200, 409]);
		expect(retry.id).toBe(first.id);
		expect(await complete(first.id)).toBe("complete");

		await new Promise((r) => setTimeout(r, TTL_MS + 1_000));
		const afterExpiry = await post(key, body);
		const retryAfterExpiry = await post(key, body);

		expect([afterExpiry.status, retryAfterExpiry.status]).toEqual([202, 200]);
		expect(afterExpiry.id).not.toBe(first.id);
		expect(retryAfterExpiry.id).toBe(afterExpiry.id);
		expect(await complete(afterExpiry.id)).toBe("complete");
	});

	it("should start one run for ten simultaneous requests with one key, each answered with it", async () => {
		const key = crypto.randomUUID();
		const body = { prompt: prompt("All at once.") };

		const answers = await Promise.all(Array.from({ length: 10 }, () => post(key, body)));

		expect(answers.map((a) => a.status).toSorted()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 202]);
		expect(new Set(answers.map((a) => a.id)).size).toBe(1);
		expect((await listRuns(dev.url)).filter((r) => r.prompt === body.prompt)).toHaveLength(1);
		expect(await complete(answers[0]!.id)).toBe("complete");
	});

	it("should answer 503 when the Workflow engine refuses the run, keep no run, and start it on a retry", async () => {
		const key = crypto.randomUUID();
		const body = { prompt: prompt("Survive a restore.") };
		const before = await post(key, body);
		expect(before.status).toBe(202);
		expect(await complete(before.id)).toBe("complete");

		// Restart with the registry wiped (and migrated again) but the Workflow engine's state kept.
		await dev.stop();
		const d1 = path.join(dev.persistTo, "v3", "d1");
		expect(statSync(d1).isDirectory()).toBe(true);
		rmSync(d1, { recursive: true });
		await runWrangler([
			"d1",
			"migrations",
			"apply",
			"DB",
			"--local",
			"-e",
			"development",
			"--persist-to",
			dev.persistTo,
		]);
		dev = await startProductStack(models.baseURL, VARS, { persistTo: dev.persistTo });

		const refused = await post(key, body);

		expect(refused).toMatchObject({ status: 503, id: null, retryAfter: "1", error: { code: "run-not-started" } });
		expect(refused.error?.message).toMatch(/nothing was started.*already exists/s);
		expect(await listRuns(dev.url)).toEqual([]);

		const retried = await post(key, body);

		expect(retried.status).toBe(202);
		expect(retried.id).not.toBe(before.id);
		expect(await complete(retried.id)).toBe("complete");
		expect((await listRuns(dev.url)).map((r) => r.id)).toEqual([retried.id]);
	});
});
