/**
 * A run's own store (src/registry/run-store-object.ts) against the real RunEvents object and D1: what
 * lives where, the row mirrored to D1 only when it changes, and the metric fold done once per ending.
 */
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { llmSubtask } from "@ow/schemas/testing";
import { EMPTY_USAGE } from "@ow/schemas";
import { describe, expect, it, vi } from "vitest";
import { recordRestart } from "../src/registry/lifecycle";
import { insertRuns } from "../src/registry/run-admission";
import { recordPlan, recordRunFinished, recordSubtaskOutcome } from "../src/registry/run-registry";
import { newRunId } from "../src/runs/run-id";
import { storeOf } from "./read-events";
import { post } from "./run-helpers";
import { TEST_MODELS, testOptions } from "./registry-fixtures";
import { runObject } from "../src/registry/run-store";

const at = () => new Date().toISOString();
const stubOf = (id: string) => runObject(env, id);
const d1Count = (sql: string, ...params: unknown[]) =>
	env.DB.prepare(sql)
		.bind(...params)
		.first<number>("n");
const total = async (key: string) =>
	(await env.DB.prepare("SELECT value FROM metric_totals WHERE key = ?").bind(key).first<number>("value")) ?? 0;
const SUCCEEDED = "subtasks:llm:succeeded";

async function newRun(): Promise<string> {
	const id = newRunId();
	await insertRuns(env.DB, [
		{ id, prompt: "p", options: testOptions(), promptVersion: "v", models: TEST_MODELS, createdAt: at() },
	]);
	return id;
}

/** A run planned with subtasks a and b, a done. */
async function plannedRun(): Promise<string> {
	const id = await newRun();
	const info = { clampedFrom: null, repaired: false };
	await recordPlan(storeOf(id), id, { subtasks: [llmSubtask("a"), llmSubtask("b")] }, info, at());
	await succeed(id, "a");
	return id;
}

async function succeed(id: string, subtask: string) {
	await recordSubtaskOutcome(storeOf(id), id, subtask, {
		status: "succeeded",
		output: subtask,
		truncated: false,
		usage: EMPTY_USAGE,
		attempts: 1,
		startedAt: at(),
		finishedAt: at(),
		source: null,
	});
}

const finish = (id: string) =>
	recordRunFinished(
		storeOf(id),
		id,
		{
			status: "complete",
			result: { answer: "A", references: [] },
			timings: { planMs: 1, executeMs: 1, synthesiseMs: 1 },
		},
		at(),
	);

describe("a run's store", () => {
	it("should keep the run's subtasks and events in its object, and mirror its row to D1", async () => {
		const id = await plannedRun();

		const store = storeOf(id);
		expect(await store.prepare("SELECT COUNT(*) AS n FROM subtasks").first<number>("n")).toBe(2);
		expect(
			await store.prepare("SELECT COUNT(*) AS n FROM events WHERE type = 'subtask.succeeded'").first<number>("n"),
		).toBe(1);
		// D1 has the row (the plan is on it) and no per-subtask rows at all.
		expect(await d1Count("SELECT COUNT(*) AS n FROM subtasks WHERE run_id = ?", id)).toBe(0);
		expect(await d1Count("SELECT COUNT(*) AS n FROM runs WHERE id = ? AND plan IS NOT NULL", id)).toBe(1);

		await finish(id);
		const row = await env.DB.prepare("SELECT status, result FROM runs WHERE id = ?").bind(id).first();
		expect(row).toEqual({ status: "complete", result: JSON.stringify({ answer: "A", references: [] }) });
	});

	it("should answer for a run D1 does not know with no rows, and store nothing", async () => {
		const id = newRunId();
		const store = storeOf(id);
		expect((await store.prepare("SELECT * FROM runs").all()).results).toEqual([]);
		expect((await store.prepare("UPDATE runs SET status = 'running'").run()).meta.changes).toBe(0);
		expect(await runInDurableObject(stubOf(id), (_o, state) => state.storage.kv.get("storeVersion"))).toBeUndefined();
	});

	it("should fold a run's counters into the totals once per ending, and only what changed after a restart", async () => {
		const id = await plannedRun();
		await recordSubtaskOutcome(storeOf(id), id, "b", {
			status: "failed",
			error: { code: "model-error", message: "x" },
			attempts: 1,
			finishedAt: at(),
		});
		const before = await total(SUCCEEDED);
		await finish(id);
		expect(await total(SUCCEEDED)).toBe(before + 1);

		// The mirror's write committed in D1 but the object forgot it (evicted before noting it): the next
		// change writes again, and the fold, guarded by what D1 says was folded, adds nothing.
		await runInDurableObject(stubOf(id), (_o, state) => state.storage.kv.delete("foldedCounters"));
		await storeOf(id).prepare("UPDATE runs SET updated_at = ? WHERE id = ?").bind(at(), id).run();
		expect(await total(SUCCEEDED)).toBe(before + 1);

		// Redoing b makes it succeed: the second ending adds b alone.
		await recordRestart(storeOf(id), id, { from: "subtask", id: "b" }, at());
		await succeed(id, "b");
		await finish(id);
		expect(await total(SUCCEEDED)).toBe(before + 2);
	});

	it("should write the row to D1 on the next batch when the last mirror write was lost, even one that changes nothing", async () => {
		const id = await newRun();
		await finish(id);
		// The store has the run's end; D1 never got it, and the object stopped before it could know.
		await env.DB.prepare("UPDATE runs SET status = 'running' WHERE id = ?").bind(id).run();
		await runInDurableObject(stubOf(id), (_o, state) => state.storage.kv.put("mirroredRow", "lost"));
		await evictDurableObject(stubOf(id));

		// A retried end writes nothing in the store (the run has ended there); D1 gets the row all the same.
		await finish(id);
		expect(await env.DB.prepare("SELECT status FROM runs WHERE id = ?").bind(id).first("status")).toBe("complete");
	});

	it("should answer a write without waiting for D1, and mirror on the next batch after a failed D1 write", async () => {
		const id = await newRun();
		// D1 refuses every change to this run's row, as a D1 that is down would.
		const trigger = `mirror_down_${id.replaceAll("-", "_")}`;
		await env.DB.exec(
			`CREATE TRIGGER ${trigger} BEFORE UPDATE ON runs WHEN NEW.id = '${id}' BEGIN SELECT RAISE(ABORT, 'down'); END`,
		);
		try {
			await finish(id); // resolves: the run's end is committed in its store
			expect(await storeOf(id).prepare("SELECT status FROM runs").first("status")).toBe("complete");
			expect(await env.DB.prepare("SELECT status FROM runs WHERE id = ?").bind(id).first("status")).toBe("queued");
		} finally {
			await env.DB.exec(`DROP TRIGGER ${trigger}`);
		}

		// D1 is back: the next batch of the run, one that changes nothing, writes the row.
		await storeOf(id).prepare("SELECT 1").run();
		await vi.waitFor(async () =>
			expect(await env.DB.prepare("SELECT status FROM runs WHERE id = ?").bind(id).first("status")).toBe("complete"),
		);
	});

	it("should bring D1 the newest row after changes made while a write was in flight, in one more write", async () => {
		const id = await newRun();
		const table = `mirror_writes_${id.replaceAll("-", "_")}`;
		await env.DB.exec(`CREATE TABLE ${table} (n INTEGER)`);
		await env.DB.exec(
			`CREATE TRIGGER ${table}_t AFTER UPDATE ON runs WHEN NEW.id = '${id}' BEGIN INSERT INTO ${table} VALUES (1); END`,
		);
		try {
			// Five changes at once: the first one's write to D1 is in flight while the others commit.
			const store = storeOf(id);
			const times = Array.from({ length: 5 }, (_, i) => new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString());
			await Promise.all(
				times.map((t) => store.prepare("UPDATE runs SET updated_at = ? WHERE id = ?").bind(t, id).run()),
			);
			const newest = await store.prepare("SELECT updated_at FROM runs").first("updated_at");
			await vi.waitFor(async () =>
				expect(await env.DB.prepare("SELECT updated_at FROM runs WHERE id = ?").bind(id).first("updated_at")).toBe(
					newest,
				),
			);
			expect(await d1Count(`SELECT COUNT(*) AS n FROM ${table}`)).toBeLessThanOrEqual(2);
		} finally {
			await env.DB.exec(`DROP TRIGGER ${table}_t`);
			await env.DB.exec(`DROP TABLE ${table}`);
		}
	});

	it("should open a started run's store before its first step", async () => {
		// A delayed run: its instance sleeps before any step, so no step opens the store.
		const res = await post("/", { prompt: "Later.", options: { delaySeconds: 3_600 } });
		expect(res.status).toBe(202);
		const { id } = await res.json<{ id: string }>();
		try {
			await vi.waitFor(async () =>
				expect(
					await runInDurableObject(stubOf(id), (_o, state) => state.storage.kv.get("storeVersion")),
				).toBeGreaterThan(0),
			);
			expect(await storeOf(id).prepare("SELECT status FROM runs").first("status")).toBe("scheduled");
		} finally {
			await (await env.ORCHESTRATOR_WORKFLOW.get(id)).terminate();
		}
	});

	it("should copy a run from before the stores whole, and count what D1 already counts as folded", async () => {
		const id = await newRun();
		// As a run registered before migration 0016 left it: its subtasks in D1.
		await env.DB.prepare("UPDATE runs SET store = 0 WHERE id = ?").bind(id).run();
		const info = { clampedFrom: null, repaired: false };
		await recordPlan(env.DB, id, { subtasks: [llmSubtask("a"), llmSubtask("b")] }, info, at());

		expect(await storeOf(id).prepare("SELECT COUNT(*) AS n FROM subtasks").first<number>("n")).toBe(2);
		const folded = await env.DB.prepare("SELECT folded FROM runs WHERE id = ?").bind(id).first<string>("folded");
		expect(JSON.parse(folded ?? "null")).toMatchObject({ "subtasks:llm:pending": 2 });
	});
});
