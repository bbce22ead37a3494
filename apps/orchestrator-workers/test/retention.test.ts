/**
 * Retention: the sweep deletes finished runs older than RUN_RETENTION_DAYS, and
 * `DELETE /:id?purge=true` one finished run at once; /metrics counters stay where they were.
 */
import { env, exports } from "cloudflare:workers";
import { llmSubtask } from "@ow/schemas/testing";
import { describe, expect, it } from "vitest";
import { insertRuns, type NewRun } from "../src/registry/run-admission";
import { recordPlan, recordRunFinished, recordSubtaskOutcome } from "../src/registry/run-registry";
import { recordAttemptUsage } from "../src/registry/usage-ledger";
import { newRunId } from "../src/runs/run-id";
import { sweepRuns } from "../src/runs/recovery";
import { TEST_MODELS, testOptions } from "./registry-fixtures";
import { storeOf } from "./read-events";

const insertRun = (db: D1Database, run: NewRun) => insertRuns(db, [run]);

const options = (screenshots = false) => testOptions({ screenshots });
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** A run as the Workflow leaves it: planned, one subtask done, finished `endedDaysAgo` days ago (or open). */
async function seedRun(endedDaysAgo: number | null, screenshots = false) {
	const id = newRunId();
	const start = Date.now() - (endedDaysAgo ?? 0) * DAY - 60_000;
	await insertRun(env.DB, {
		id,
		prompt: "p",
		options: options(screenshots),
		promptVersion: "v",
		models: TEST_MODELS,
		createdAt: iso(start),
	});
	await recordPlan(
		storeOf(id),
		id,
		{ subtasks: [llmSubtask("a")] },
		{ clampedFrom: null, repaired: false },
		iso(start + 1),
	);
	await recordSubtaskOutcome(storeOf(id), id, "a", {
		status: "succeeded",
		output: "A",
		truncated: false,
		usage: {
			inputTokens: 3,
			outputTokens: 2,
			calls: 1,
			byModel: { "retention-small": { inputTokens: 3, outputTokens: 2, calls: 1 } },
		},
		attempts: 1,
		startedAt: iso(start + 2),
		finishedAt: iso(start + 1_000),
		source: null,
	});
	if (endedDaysAgo !== null) {
		const usage = {
			inputTokens: 10,
			outputTokens: 4,
			calls: 2,
			byModel: { "retention-big": { inputTokens: 10, outputTokens: 4, calls: 2 } },
		};
		const spent = { step: "synthesise", attempt: 1, outcome: "succeeded" as const, usage, unknownCalls: 0 };
		await recordAttemptUsage(storeOf(id), id, spent, iso(start + 59_000));
		await recordRunFinished(
			storeOf(id),
			id,
			{
				status: "complete",
				result: { answer: "A", references: [] },
				timings: { planMs: 200, executeMs: 800, synthesiseMs: 300 },
			},
			iso(start + 60_000),
		);
	}
	return id;
}

/** The test env with some variables set otherwise. */
const withVars = (vars: Record<string, string>): Env => ({ ...env, ...vars });
/** `before` with the deleted-runs counter moved on by `deleted`: what every counter should read after. */
const expectedAfter = (before: Map<string, number>, deleted: number) =>
	Object.fromEntries([...before].map(([k, v]) => [k, k === "orchestrator_runs_deleted_total" ? v + deleted : v]));
const pick = (after: Map<string, number>, like: Map<string, number>) =>
	Object.fromEntries([...like.keys()].map((k) => [k, after.get(k)]));

const call = (method: string, path: string) => exports.default.fetch(`http://orchestrator.test${path}`, { method });
/** The run's row in D1, and its events and subtasks in its own store. */
const rows = async (id: string) => {
	const store = storeOf(id);
	const [events, subtasks] = await store.batch<{ n: number }>([
		store.prepare("SELECT COUNT(*) AS n FROM events WHERE run_id = ?").bind(id),
		store.prepare("SELECT COUNT(*) AS n FROM subtasks WHERE run_id = ?").bind(id),
	]);
	const runs = await env.DB.prepare("SELECT COUNT(*) AS n FROM runs WHERE id = ?").bind(id).first<number>("n");
	return [runs, ...[events, subtasks].map((r) => r?.results[0]?.n ?? 0)];
};
/** The counter lines of a scrape (everything but gauges), by series. */
async function counters(): Promise<Map<string, number>> {
	const text = await (await call("GET", "/metrics")).text();
	const counterNames = [...text.matchAll(/^# TYPE (\S+) (counter|histogram)$/gm)].map((m) => m[1]!);
	const series = new Map<string, number>();
	for (const line of text.split("\n")) {
		const [name, value] = [line.slice(0, line.lastIndexOf(" ")), Number(line.slice(line.lastIndexOf(" ") + 1))];
		if (counterNames.some((c) => name.startsWith(c)) && !name.includes("browser_pool")) series.set(name, value);
	}
	return series;
}

describe("retention sweep", () => {
	it("should delete finished runs past RUN_RETENTION_DAYS with their rows, and keep every counter", async () => {
		const old = [await seedRun(40), await seedRun(31)];
		const recent = await seedRun(29);
		const openOld = await seedRun(null);
		await storeOf(openOld)
			.prepare("UPDATE runs SET status = 'paused', updated_at = ? WHERE id = ?")
			.bind(iso(Date.now() - 90 * DAY), openOld)
			.run();
		const before = await counters();

		const report = await sweepRuns(withVars({ RUN_RETENTION_DAYS: "30" }), Date.now());

		expect(report.deleted).toBeGreaterThanOrEqual(2);
		for (const id of old) expect(await rows(id)).toEqual([0, 0, 0]);
		expect((await rows(recent))[0]).toBe(1);
		expect((await rows(openOld))[0]).toBe(1);
		const after = await counters();
		expect(pick(after, before)).toEqual(expectedAfter(before, report.deleted));
		expect(after.get('orchestrator_model_calls_total{model="retention-big"}')).toBeGreaterThanOrEqual(4);
	});

	it("should accept fractional days and refuse unusable ones", async () => {
		const id = await seedRun(0.02); // ended about half an hour ago
		expect((await sweepRuns(withVars({ RUN_RETENTION_DAYS: "0.01" }), Date.now())).deleted).toBeGreaterThanOrEqual(1);
		expect((await rows(id))[0]).toBe(0);
		await expect(sweepRuns(withVars({ RUN_RETENTION_DAYS: "0" }))).rejects.toThrow(
			/RUN_RETENTION_DAYS must be a number of days/,
		);
		await expect(sweepRuns(withVars({ RUN_RETENTION_DAYS: "soon" }))).rejects.toThrow(/RUN_RETENTION_DAYS/);
	});
});

describe("DELETE /:id?purge=true", () => {
	it("should delete a finished run at once: 404 afterwards, not listed, counters kept", async () => {
		const id = await seedRun(0);
		const before = await counters();

		const res = await call("DELETE", `/${id}?purge=true`);

		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({ id, purged: true });
		expect(await rows(id)).toEqual([0, 0, 0]);
		expect((await call("GET", `/${id}`)).status).toBe(404);
		const listed = (await (await call("GET", "/runs?limit=100")).json()) as { runs: { id: string }[] };
		expect(listed.runs.map((r) => r.id)).not.toContain(id);
		expect(pick(await counters(), before)).toEqual(expectedAfter(before, 1));
		expect((await call("DELETE", `/${id}?purge=true`)).status).toBe(404);
	});

	it("should refuse a run that has not finished (409), bad values (400) and unknown runs (404)", async () => {
		const open = await seedRun(null);
		const res = await call("DELETE", `/${open}?purge=true`);
		expect(res.status).toBe(409);
		expect(await res.json()).toMatchObject({ error: { code: "conflict" } });
		expect((await rows(open))[0]).toBe(1);
		expect((await call("DELETE", `/${open}?purge=yes`)).status).toBe(400);
		expect((await call("DELETE", `/${open}?purge=true&x=1`)).status).toBe(400);
		expect((await call("DELETE", "/run_0000000000aaaaaaaaaaaaaaa?purge=true")).status).toBe(404);
	});

	it("should keep a run whose screenshots the harness could not delete, and say so", async () => {
		// The test pool's harness binding answers like an unreachable harness.
		const id = await seedRun(0, true);
		const res = await call("DELETE", `/${id}?purge=true`);
		expect(res.status).toBe(503);
		expect(await res.json()).toMatchObject({ error: { code: "browser-unavailable" } });
		expect((await rows(id))[0]).toBe(1);
	});
});
