/**
 * Labels, the deployment version and the admission switch in the registry and the API, inside workerd:
 * what registering runs stores, the `GET /runs?label=` filter, the switch's routes, its 503, its gauge,
 * and retention deleting labels with their run.
 */
import { createExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { apiErrorSchema } from "@ow/schemas";
import { afterEach, describe, expect, it } from "vitest";
import { deploymentVersion } from "../src/deployment-version";
import { createApp } from "../src/http/app";
import { admissionState, isAdmissionOpen, setAdmission } from "../src/registry/admission-switch";
import { insertRuns, type NewRun } from "../src/registry/run-admission";
import { recordRunFinished } from "../src/registry/run-registry";
import { readRunStatus } from "../src/registry/run-view";
import { newRunId } from "../src/runs/run-id";
import { purgeRuns } from "../src/runs/retention";
import { post } from "./run-helpers";
import { TEST_MODELS, testOptions } from "./registry-fixtures";

const OPTIONS = testOptions();
const newRun = (labels: Record<string, string>, extra: Partial<NewRun> = {}): NewRun => ({
	id: newRunId(),
	prompt: "p",
	options: OPTIONS,
	promptVersion: "v",
	models: TEST_MODELS,
	createdAt: new Date().toISOString(),
	labels,
	...extra,
});
const get = (path: string) => exports.default.fetch(`http://orchestrator.test${path}`);
const labelRows = async (id: string) =>
	(await env.DB.prepare("SELECT COUNT(*) AS n FROM run_labels WHERE run_id = ?").bind(id).first<{ n: number }>())!.n;

afterEach(async () => {
	await setAdmission(env.DB, { open: true });
});

describe("registering runs with labels", () => {
	it("should store every run's own labels and its deployment version, and show them in its status", async () => {
		const a = newRun({ team: "search", env: "prod" }, { deploymentVersion: "9f2c-version" });
		const b = newRun({});
		const c = newRun({ team: "ads" });
		expect((await insertRuns(env.DB, [a, b, c])).admitted).toBe(true);
		const status = await readRunStatus(env.DB, a.id);
		expect(status).toMatchObject({ labels: { env: "prod", team: "search" }, deploymentVersion: "9f2c-version" });
		expect(await readRunStatus(env.DB, b.id)).toMatchObject({ labels: {}, deploymentVersion: "dev" });
		expect((await readRunStatus(env.DB, c.id))?.labels).toEqual({ team: "ads" });
	});

	it("should filter GET /runs by every label given, exactly, and list each run's labels", async () => {
		const suite = crypto.randomUUID();
		const runs = [
			newRun({ suite, team: "search", env: "prod" }),
			newRun({ suite, team: "search", env: "dev" }),
			newRun({ suite, team: "searchers", env: "prod" }),
			newRun({ suite, env: "prod" }),
		];
		await insertRuns(env.DB, runs);
		const ids = async (...labels: string[]) => {
			const res = await get(`/runs?${labels.map((l) => `label=${encodeURIComponent(l)}`).join("&")}`);
			expect(res.status).toBe(200);
			const page = await res.json<{ runs: { id: string; labels: Record<string, string> }[]; total: number }>();
			return { ids: page.runs.map((r) => r.id).toSorted(), total: page.total, page };
		};
		const both = await ids(`suite:${suite}`, "team:search", "env:prod");
		expect(both.ids).toEqual([runs[0]!.id]);
		expect(both.total).toBe(1);
		expect(both.page.runs[0]!.labels).toEqual({ suite, team: "search", env: "prod" });
		expect((await ids(`suite:${suite}`, "env:prod")).ids).toEqual([runs[0]!.id, runs[2]!.id, runs[3]!.id].toSorted());
		expect((await ids(`suite:${suite}`)).total).toBe(4);
		expect((await ids(`suite:${suite}`, "team:sea")).total).toBe(0);
	});

	it("should refuse a malformed label filter with a 400", async () => {
		for (const filter of ["team", "Team:x", ":x", `k:${"v".repeat(257)}`]) {
			const res = await get(`/runs?label=${encodeURIComponent(filter)}`);
			expect({ filter, status: res.status }).toEqual({ filter, status: 400 });
		}
		const many = Array.from({ length: 17 }, (_, i) => `label=k${i}:v`).join("&");
		expect((await get(`/runs?${many}`)).status).toBe(400);
	});

	it("should refuse bad labels in POST / with a 400 naming the key", async () => {
		const cases: [Record<string, unknown>, string][] = [
			[{ Team: "x" }, "Team"],
			[{ "a=b": "x" }, "a=b"],
			[{ ["k".repeat(64)]: "x" }, "k".repeat(64)],
			[{ team: "x".repeat(257) }, "team"],
			[{ team: "a\u0000b" }, "team"],
			[Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, "v"])), "at most 16 labels"],
		];
		for (const [labels, named] of cases) {
			const res = await post("/", { prompt: "x", options: { labels } });
			expect({ named, status: res.status }).toEqual({ named, status: 400 });
			expect(apiErrorSchema.parse(await res.json()).error.message).toContain(named);
		}
	});

	it("should delete a run's labels with the run", async () => {
		const run = newRun({ team: "search" });
		await insertRuns(env.DB, [run]);
		const at = new Date().toISOString();
		const outcome = {
			status: "complete" as const,
			result: { answer: "A", references: [] },
			timings: { planMs: 1, executeMs: 1, synthesiseMs: 1 },
		};
		await recordRunFinished(env.DB, run.id, outcome, at);
		expect(await labelRows(run.id)).toBe(1);
		expect(await purgeRuns(env, [{ id: run.id, updated_at: at, screenshots: null }])).toEqual([run.id]);
		expect(await labelRows(run.id)).toBe(0);
	});
});

describe("delayed runs and MAX_ACTIVE_RUNS", () => {
	it("should admit a delayed run however full the house is, and refuse one that starts now", async () => {
		const active = (await env.DB.prepare(
			"SELECT COUNT(*) AS n FROM runs WHERE status IN ('queued', 'running', 'waiting', 'paused')",
		).first<{ n: number }>())!.n;
		// One more run that starts now fills the house exactly.
		const full = active + 1;
		expect((await insertRuns(env.DB, [newRun({})], full)).admitted).toBe(true);
		const delayed = newRun({}, { options: testOptions({ startAt: "2099-01-01T00:00:00.000Z" }) });
		expect((await insertRuns(env.DB, [delayed], full)).admitted).toBe(true);
		expect((await insertRuns(env.DB, [newRun({})], full)).admitted).toBe(false);
	});
});

describe("the deployment version", () => {
	it("should be the version metadata's id where it is bound, and dev where it is not", () => {
		expect(deploymentVersion({ CF_VERSION_METADATA: { id: "a1b2", tag: "v7" } })).toBe("a1b2");
		expect(deploymentVersion({})).toBe("dev");
	});
});

describe("the admission switch", () => {
	it("should be open until set, and hold what was set", async () => {
		expect(await admissionState(env.DB)).toMatchObject({ open: true, reason: null });
		await setAdmission(env.DB, { open: false, reason: "migrating", retryAfterSeconds: 120 });
		expect(await admissionState(env.DB)).toMatchObject({ open: false, reason: "migrating", retryAfterSeconds: 120 });
		expect(await isAdmissionOpen(env.DB)).toBe(false);
		await setAdmission(env.DB, { open: true, reason: "ignored when open" });
		expect(await admissionState(env.DB)).toMatchObject({ open: true, reason: null });
	});

	it("should register nothing while closed, and say so in the same batch", async () => {
		await setAdmission(env.DB, { open: false, reason: "migrating" });
		const run = newRun({ team: "search" });
		const result = await insertRuns(env.DB, [run, newRun({})]);
		expect(result).toMatchObject({ admitted: false, admission: { open: false, reason: "migrating" } });
		expect(await readRunStatus(env.DB, run.id)).toBeNull();
		expect(await labelRows(run.id)).toBe(0);
		await setAdmission(env.DB, { open: true });
		expect((await insertRuns(env.DB, [run])).admitted).toBe(true);
	});

	it("should answer POST / and /batch with 503, Retry-After and the reason while closed, and show it in GET /admission and /metrics", async () => {
		const closed = await post("/admission", { open: false, reason: "database upgrade", retryAfterSeconds: 45 });
		expect(closed.status).toBe(200);
		expect(await closed.json()).toMatchObject({ open: false, reason: "database upgrade", retryAfterSeconds: 45 });
		expect(await (await get("/admission")).json()).toMatchObject({ open: false, reason: "database upgrade" });
		expect(await (await get("/metrics")).text()).toMatch(/^orchestrator_admission_open 0$/m);
		for (const [path, body] of [
			["/", { prompt: "x" }],
			["/batch", { runs: [{ prompt: "x" }, { prompt: "y" }] }],
		] as const) {
			const res = await post(path, body);
			expect(res.status).toBe(503);
			expect(res.headers.get("retry-after")).toBe("45");
			const error = apiErrorSchema.parse(await res.json()).error;
			expect(error.code).toBe("admission-closed");
			expect(error.message).toContain("database upgrade");
		}
		const reopened = await post("/admission", { open: true });
		expect(await reopened.json()).toMatchObject({ open: true, reason: null });
		expect(await (await get("/metrics")).text()).toMatch(/^orchestrator_admission_open 1$/m);
	});

	it("should be behind the API key, reading and setting alike", async () => {
		const withKey = (init: RequestInit = {}) =>
			createApp().request(
				"http://orchestrator.test/admission",
				init,
				{ ...env, API_KEY: "k3y" },
				createExecutionContext(),
			);
		expect((await withKey()).status).toBe(401);
		const close = { method: "POST", headers: { "content-type": "application/json" }, body: '{"open":false}' };
		expect((await withKey(close)).status).toBe(401);
		expect(await isAdmissionOpen(env.DB)).toBe(true);
		expect((await withKey({ headers: { authorization: "Bearer k3y" } })).status).toBe(200);
	});

	it("should refuse a malformed switch with a 400, and other methods with a 405", async () => {
		for (const body of [{}, { open: 1 }, { open: false, reason: "x".repeat(501) }, { open: true, more: 1 }]) {
			expect((await post("/admission", body)).status).toBe(400);
		}
		expect((await exports.default.fetch("http://orchestrator.test/admission", { method: "DELETE" })).status).toBe(405);
		expect(await isAdmissionOpen(env.DB)).toBe(true);
	});
});
