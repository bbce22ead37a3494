import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { readConfig } from "../src/config";
import { readKey } from "../src/registry/idempotency-keys";
import { acceptRequest, idempotentRunId, requestHash } from "../src/runs/start-runs";
import { getStatus, post, watchRuns } from "./run-helpers";
import { scenario, text } from "./scenario";

const runsWithPrompt = (prompt: string) =>
	env.DB.prepare("SELECT COUNT(*) AS n FROM runs WHERE prompt = ?").bind(prompt).first<number>("n");

async function answer(res: Response) {
	return { status: res.status, id: (await res.json<{ id?: string }>()).id };
}

describe("Idempotency-Key", () => {
	it("should start one run for simultaneous requests with one key, each answered with it", async () => {
		const s = await scenario([{ match: "", replies: [text("x")] }]);
		await using watch = await watchRuns();
		expect(watch).toBeDefined();
		const body = { prompt: s.prompt(), options: { allowBrowser: false } };
		const key = { "Idempotency-Key": crypto.randomUUID() };

		const answers = await Promise.all(Array.from({ length: 5 }, () => post("/", body, key).then(answer)));

		const [first] = answers.filter((a) => a.status === 202);
		expect(answers.map((a) => a.status).toSorted()).toEqual([200, 200, 200, 200, 202]);
		expect(new Set(answers.map((a) => a.id))).toEqual(new Set([first?.id]));
		expect(await runsWithPrompt(body.prompt)).toBe(1);
	});

	it("should start a new run once the key has expired", async () => {
		const s = await scenario([{ match: "", replies: [text("x")] }]);
		await using watch = await watchRuns();
		expect(watch).toBeDefined();
		const body = { prompt: s.prompt(), options: { allowBrowser: false } };
		const key = crypto.randomUUID();
		const first = await answer(await post("/", body, { "Idempotency-Key": key }));
		// IDEMPOTENCY_TTL_HOURS is 24 here: the key was taken a day and a minute ago.
		const dayAgo = new Date(Date.now() - 24 * 3_600_000 - 60_000).toISOString();
		await env.DB.prepare("UPDATE idempotency_keys SET created_at = ? WHERE key = ?").bind(dayAgo, key).run();

		const second = await answer(await post("/", body, { "Idempotency-Key": key }));
		const again = await answer(await post("/", body, { "Idempotency-Key": key }));

		expect([first.status, second.status, again.status]).toEqual([202, 202, 200]);
		expect(second.id).not.toBe(first.id);
		expect(again.id).toBe(second.id);
		expect(await runsWithPrompt(body.prompt)).toBe(2);
		expect(await readKey(env.DB, key)).toMatchObject({ runId: second.id, generation: 1, state: "started" });
	});

	it("should answer 503 and keep no run when the Workflow engine refuses, then start it on a retry", async () => {
		const s = await scenario([{ match: "", replies: [text("x")] }]);
		await using watch = await watchRuns();
		expect(watch).toBeDefined();
		const key = crypto.randomUUID();
		const taken = await idempotentRunId(key, 0);
		// An instance the engine already has under the id the key's first use derives (as after the
		// registry lost its rows): the engine refuses to create it again.
		const older = acceptRequest(readConfig(env), { prompt: s.prompt("older") });
		await env.ORCHESTRATOR_WORKFLOW.create({ id: taken, params: { runId: taken, ...older } });
		const body = { prompt: s.prompt(), options: { allowBrowser: false } };

		const refused = await post("/", body, { "Idempotency-Key": key });

		expect(refused.status).toBe(503);
		expect(refused.headers.get("retry-after")).toBe("1");
		const { error } = await refused.json<{ error: { code: string; message: string } }>();
		expect(error.code).toBe("run-not-started");
		expect(error.message).toMatch(/nothing was started.*already exists/s);
		expect(await runsWithPrompt(body.prompt)).toBe(0);
		expect(await readKey(env.DB, key)).toMatchObject({ runId: taken, state: "released" });

		const retried = await answer(await post("/", body, { "Idempotency-Key": key }));

		expect(retried).toEqual({ status: 202, id: await idempotentRunId(key, 1) });
		expect((await getStatus(retried.id!)).prompt).toBe(body.prompt);
		expect(await runsWithPrompt(body.prompt)).toBe(1);
	});

	it("should answer 409 request-in-progress when another request with the key is still starting its run", async () => {
		const key = crypto.randomUUID();
		const body = { prompt: "Still starting.", options: { allowBrowser: false } };
		// What a request that took the key a moment ago and is creating the run has written.
		await env.DB.prepare(
			"INSERT INTO idempotency_keys (key, request_hash, run_id, generation, state, created_at) VALUES (?, ?, ?, 0, 'creating', ?)",
		)
			.bind(key, await requestHash(body), await idempotentRunId(key, 0), new Date().toISOString())
			.run();

		const res = await post("/", body, { "Idempotency-Key": key });

		expect(res.status).toBe(409);
		expect(res.headers.get("retry-after")).toBe("1");
		expect(await res.json()).toMatchObject({ error: { code: "request-in-progress" } });
		expect(await runsWithPrompt(body.prompt)).toBe(0);
	});

	it("should take over a key whose request stopped before it created the run", async () => {
		const s = await scenario([{ match: "", replies: [text("x")] }]);
		await using watch = await watchRuns();
		expect(watch).toBeDefined();
		const key = crypto.randomUUID();
		const body = { prompt: s.prompt(), options: { allowBrowser: false } };
		const twoMinutesAgo = new Date(Date.now() - 120_000).toISOString();
		await env.DB.prepare(
			"INSERT INTO idempotency_keys (key, request_hash, run_id, generation, state, created_at) VALUES (?, ?, ?, 0, 'creating', ?)",
		)
			.bind(key, await requestHash(body), await idempotentRunId(key, 0), twoMinutesAgo)
			.run();

		const started = await answer(await post("/", body, { "Idempotency-Key": key }));

		expect(started).toEqual({ status: 202, id: await idempotentRunId(key, 1) });
		expect(await readKey(env.DB, key)).toMatchObject({ generation: 1, state: "started" });
	});
});
