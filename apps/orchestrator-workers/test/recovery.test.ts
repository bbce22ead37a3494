/**
 * The recovery sweep against the real local Workflow engine and D1: paging through every run,
 * oldest first, and settling each disagreement between the registry and the engine.
 */
import { env } from "cloudflare:workers";
import { llmSubtask } from "@ow/schemas/testing";
import { describe, expect, it, vi } from "vitest";
import { insertRuns, type NewRun } from "../src/registry/run-admission";
import { newRunId } from "../src/runs/run-id";
import { currentBoot } from "../src/runs/engine-boot";
import { ENDED_GRACE_MS, QUIET_CHECK_MS, sweepRuns } from "../src/runs/recovery";
import { getStatus, post, startRun, waitForRunStatus, watchRuns } from "./run-helpers";
import { CALL, failure, plan, scenario, synthesis, text } from "./scenario";
import { TEST_MODELS, testOptions } from "./registry-fixtures";
import { storeOf } from "./read-events";

const insertRun = (db: D1Database, run: NewRun) => insertRuns(db, [run]);

const done = synthesis({ answer: "done: {{fenced}}", references: [] });
const OPTIONS = testOptions({ allowBrowser: false });

interface RunRow {
	status: string;
	result: string | null;
	usage: string | null;
	error_code: string | null;
	engine_boot: string | null;
	updated_at: string;
	reconciled_at: string | null;
}
const row = (id: string) => env.DB.prepare("SELECT * FROM runs WHERE id = ?").bind(id).first<RunRow>();
const eventKeys = async (id: string) =>
	(
		await storeOf(id).prepare("SELECT key FROM events WHERE run_id = ? ORDER BY seq").bind(id).all<{ key: string }>()
	).results.map((r) => r.key);
/** Makes the registry (the run's store, which D1 mirrors) say something else than the engine, as a lost write would. */
const rewrite = (id: string, sql: string, ...params: unknown[]) =>
	storeOf(id)
		.prepare(sql)
		.bind(...params, id)
		.run();
/** Later than any run's quiet period: the sweep compares every open run with the engine. */
const later = () => Date.now() + 2 * QUIET_CHECK_MS;

describe("paging", () => {
	it("should go through every stale run oldest first, whatever the page size", async () => {
		const base = Date.UTC(2026, 0, 2);
		// Inserted newest first, so the order the sweep takes them in is its own.
		const ids = Array.from({ length: 23 }, (_v, i) => newRunId(base + i * 1000));
		for (const [i, id] of ids.entries()) {
			await insertRun(env.DB, {
				id,
				prompt: "p",
				options: OPTIONS,
				promptVersion: "v",
				models: TEST_MODELS,
				createdAt: new Date(base + (ids.length - i) * 1000).toISOString(),
			});
			await rewrite(id, "UPDATE runs SET status = 'running' WHERE id = ?");
		}

		// The engine is asked about each run in the order the sweep takes them.
		const asked = vi.spyOn(env.ORCHESTRATOR_WORKFLOW, "get");
		const report = await sweepRuns(env, Date.now(), 4);

		expect(report.actions.lost).toBeGreaterThanOrEqual(ids.length);
		for (const id of ids) expect(await row(id)).toMatchObject({ status: "errored", error_code: "instance-lost" });
		for (const id of ids) expect(await eventKeys(id)).toContain("0:run.errored");
		const order = asked.mock.calls.map(([id]) => id).filter((id) => ids.includes(id));
		asked.mockRestore();
		expect(order).toEqual(ids.toReversed());
	});
});

describe("registry open, engine ended", () => {
	it("should take a completed instance's output and announce run.completed", async () => {
		const s = await scenario([
			{ match: CALL.plan, replies: [plan({ subtasks: [llmSubtask("a")] })] },
			{ match: CALL.subtask("a"), replies: [text("x")] },
			{ match: CALL.synthesise, replies: [done] },
		]);
		await using watch = await watchRuns();
		const { id, instance } = await startRun(watch, { prompt: s.prompt() });
		await instance.waitForStatus("complete");
		await waitForRunStatus(id, "complete");
		const finished = (await row(id))!;
		await rewrite(id, "UPDATE runs SET status = 'running', result = NULL WHERE id = ?");
		await rewrite(id, "DELETE FROM events WHERE type = 'run.completed' AND run_id = ?");

		await sweepRuns(env, later());

		const reconciled = (await row(id))!;
		expect(reconciled.status).toBe("complete");
		expect(JSON.parse(reconciled.result!)).toEqual(JSON.parse(finished.result!));
		// Usage was in the registry all along: each step added its own as it ended.
		expect((await getStatus(id)).usage).toMatchObject({ calls: 3 });
		expect(await eventKeys(id)).toContain("0:run.completed");
		expect(await s.callsOf(CALL.synthesise)).toBe(1);
	});

	it("should take an errored instance's error, code included", async () => {
		const s = await scenario([{ match: CALL.plan, replies: [failure(400)] }]);
		await using watch = await watchRuns();
		const { id, instance } = await startRun(watch, { prompt: s.prompt() });
		await instance.waitForStatus("errored");
		const code = (await waitForRunStatus(id, "errored")).error!.code;
		await rewrite(id, "UPDATE runs SET status = 'running', error_code = NULL, error_message = NULL WHERE id = ?");
		await rewrite(id, "DELETE FROM events WHERE type = 'run.errored' AND run_id = ?");

		await sweepRuns(env, later());

		expect(await row(id)).toMatchObject({ status: "errored", error_code: code });
		expect(code).not.toBe("internal");
		expect(await eventKeys(id)).toContain("0:run.errored");
	});

	it("should leave a run whose engine still runs it and has not gone quiet", async () => {
		const s = await scenario([{ match: CALL.plan, replies: [plan({ subtasks: [llmSubtask("a")] })] }]);
		await using watch = await watchRuns();
		const { id } = await startRun(watch, { prompt: s.prompt(), options: { approvePlan: true } });
		await waitForRunStatus(id, "waiting");
		const before = await eventKeys(id);

		await sweepRuns(env, Date.now());

		expect(await eventKeys(id)).toEqual(before);
		expect((await row(id))!.status).toBe("waiting");
	});
});

describe("registry open, engine paused or resumed", () => {
	it("should follow the engine's pause and resume, and the pause must not end the run", async () => {
		const s = await scenario([
			{ match: CALL.plan, replies: [plan({ subtasks: [llmSubtask("a")] })] },
			{ match: CALL.subtask("a"), replies: [text("x")] },
			{ match: CALL.synthesise, replies: [done] },
		]);
		await using watch = await watchRuns();
		const { id, instance } = await startRun(watch, { prompt: s.prompt(), options: { approvePlan: true } });
		await waitForRunStatus(id, "waiting");
		// Straight at the engine, as a lifecycle call whose registry write was lost would leave it.
		const engine = await env.ORCHESTRATOR_WORKFLOW.get(id);
		await engine.pause();
		await expect.poll(async () => (await engine.status()).status).toBe("paused");

		expect((await sweepRuns(env, later())).actions.paused).toBe(1);
		expect((await row(id))!.status).toBe("paused");

		await engine.resume();
		await expect.poll(async () => (await engine.status()).status).not.toMatch(/paused|waitingForPause/);
		expect((await sweepRuns(env, later())).actions.resumed).toBe(1);
		expect((await row(id))!.status).toBe("waiting");
		expect((await post(`/${id}/approve`, { approved: true })).status).toBe(202);
		await instance.waitForStatus("complete");
		expect(await s.callsOf(CALL.plan)).toBe(1);
	});
});

describe("registry ended, engine running", () => {
	it("should terminate the instance, once per ending", async () => {
		const s = await scenario([
			{ match: CALL.plan, replies: [{ ...plan({ subtasks: [llmSubtask("a")] }), delayMs: 20_000 }] },
		]);
		await using watch = await watchRuns();
		const { id, instance } = await startRun(watch, { prompt: s.prompt() });
		await waitForRunStatus(id, "running");
		await rewrite(id, "UPDATE runs SET status = 'errored', updated_at = ? WHERE id = ?", new Date().toISOString());

		// Within the grace after its end, a run's last step may still be returning: left alone.
		expect((await sweepRuns(env, Date.now())).actions.terminated ?? 0).toBe(0);
		const report = await sweepRuns(env, Date.now() + ENDED_GRACE_MS + 1_000);

		expect(report.actions.terminated).toBe(1);
		await instance.waitForStatus("terminated");
		const checked = (await row(id))!;
		expect(checked.reconciled_at).toBe(checked.updated_at);
		expect((await sweepRuns(env, Date.now() + ENDED_GRACE_MS + 1_000)).actions.terminated ?? 0).toBe(0);
	});
});

describe("boot check", () => {
	it("should at once kick a run an earlier process ran, and no run of this one", async () => {
		const s = await scenario([
			{ match: CALL.plan, replies: [{ ...plan({ subtasks: [llmSubtask("a")] }), delayMs: 1_000 }] },
			{ match: CALL.subtask("a"), replies: [text("x")] },
			{ match: CALL.synthesise, replies: [done] },
		]);
		await using watch = await watchRuns();
		const orphan = await startRun(watch, { prompt: s.prompt() });
		const current = await startRun(watch, { prompt: s.prompt() });
		await waitForRunStatus(orphan.id, "running");
		await waitForRunStatus(current.id, "running");
		// As a restarted dev server finds them: one marked by the process before, one by this process.
		await rewrite(
			orphan.id,
			"UPDATE runs SET engine_boot = 'earlier', updated_at = '2026-01-01T00:00:00.000Z' WHERE id = ?",
		);
		await rewrite(current.id, "UPDATE runs SET engine_boot = ? WHERE id = ?", currentBoot().id);

		// Not stale by the timer: only the boot check can tell.
		const report = await sweepRuns({ ...env, RECOVERY_BOOT_CHECK: "true" }, Date.now());

		expect(report.actions.kicked).toBe(1);
		expect((await eventKeys(orphan.id)).some((k) => k.includes("run.status:running:recovered:"))).toBe(true);
		expect((await eventKeys(current.id)).some((k) => k.includes(":recovered:"))).toBe(false);
		// The kicked run finishes, its plan replayed from the step cache rather than asked for again.
		await orphan.instance.waitForStatus("complete");
		await current.instance.waitForStatus("complete");
		expect((await row(orphan.id))!.status).toBe("complete");
		expect(await s.callsOf(CALL.plan)).toBe(2);
		expect(await s.callsOf(CALL.synthesise)).toBe(2);
	});
});

describe("delayed runs", () => {
	it("should keep a sleeping delayed run scheduled: never stale, and still scheduled when kicked", async () => {
		const s = await scenario([{ match: "", replies: [text("x")] }]);
		await using watch = await watchRuns();
		const quiet = await startRun(watch, { prompt: s.prompt(), options: { delaySeconds: 3_600 } });
		const orphan = await startRun(watch, { prompt: s.prompt(), options: { delaySeconds: 3_600 } });
		expect((await getStatus(quiet.id)).status).toBe("scheduled");
		await rewrite(
			orphan.id,
			"UPDATE runs SET engine_boot = 'earlier', updated_at = '2026-01-01T00:00:00.000Z' WHERE id = ?",
		);

		// A day later by the timer, and a restart for the orphan: neither is taken for lost or running.
		const report = await sweepRuns({ ...env, RECOVERY_BOOT_CHECK: "true" }, Date.now() + 86_400_000);

		expect(report.actions.kicked).toBe(1);
		expect(report.actions.lost ?? 0).toBe(0);
		expect((await eventKeys(orphan.id)).some((k) => k.includes("run.status:scheduled:recovered:"))).toBe(true);
		for (const id of [quiet.id, orphan.id]) expect((await row(id))!.status).toBe("scheduled");
		expect(await s.callsOf("")).toBe(0);
	});
});
