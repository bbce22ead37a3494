import { env, exports } from "cloudflare:workers";
import { llmSubtask } from "@ow/schemas/testing";
import { describe, expect, it } from "vitest";
import { runInstanceSchema } from "../src/openapi/responses";
import { getStatus, startRun, waitForRunStatus, watchRuns } from "./run-helpers";
import { CALL, failure, plan, scenario, synthesis, text } from "./scenario";

const call = (method: string, path: string, body?: unknown) =>
	exports.default.fetch(`http://orchestrator.test${path}`, {
		method,
		headers: body === undefined ? {} : { "content-type": "application/json" },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
const done = synthesis({ answer: "done: {{fenced}}", references: [] });
const slowPlan = (subtasks = [llmSubtask("a"), llmSubtask("b")]) => ({ ...plan({ subtasks }), delayMs: 1_500 });
const UNKNOWN = "run_0000000000aaaaaaaaaaaaaaa";

describe("DELETE /:id", () => {
	it("should cancel a run in flight so no model work starts after it", async () => {
		const s = await scenario([
			{ match: CALL.plan, replies: [slowPlan()] },
			{ match: "Your subtask", replies: [text("x")] },
			{ match: CALL.synthesise, replies: [done] },
		]);
		await using watch = await watchRuns();
		const { id, instance } = await startRun(watch, { prompt: s.prompt() });
		await waitForRunStatus(id, "running");

		const res = await call("DELETE", `/${id}`);

		expect(res.status).toBe(200);
		expect(await res.json()).toMatchObject({ id, status: "terminated" });
		await instance.waitForStatus("terminated");
		expect(await s.callsOf("Your subtask")).toBe(0);
		expect(await s.callsOf(CALL.synthesise)).toBe(0);
		expect((await call("DELETE", `/${id}`)).status).toBe(409);
	});

	it("should answer 404 for an unknown run", async () => {
		expect((await call("DELETE", `/${UNKNOWN}`)).status).toBe(404);
	});
});

describe("pause and resume", () => {
	it("should pause a running run and resume it to completion", async () => {
		const s = await scenario([
			{ match: CALL.plan, replies: [slowPlan()] },
			{ match: "Your subtask", replies: [text("x")] },
			{ match: CALL.synthesise, replies: [done] },
		]);
		await using watch = await watchRuns();
		const { id, instance } = await startRun(watch, { prompt: s.prompt() });
		await waitForRunStatus(id, "running");

		const paused = await call("POST", `/${id}/pause`);
		expect(paused.status).toBe(200);
		expect(await paused.json()).toMatchObject({ status: "paused" });
		expect((await call("POST", `/${id}/pause`)).status).toBe(409);

		const resumed = await call("POST", `/${id}/resume`);
		expect(resumed.status).toBe(200);
		expect((await resumed.json<{ status: string }>()).status).not.toBe("paused");
		await instance.waitForStatus("complete");
		expect((await getStatus(id)).status).toBe("complete");
		const conflict = await call("POST", `/${id}/resume`);
		expect(conflict.status).toBe(409);
		expect(await conflict.json()).toMatchObject({
			error: { code: "conflict", details: { status: "complete", allowed: ["paused"] } },
		});
	});

	it("should answer 404 for an unknown run and 405 for a wrong method", async () => {
		expect((await call("POST", `/${UNKNOWN}/pause`)).status).toBe(404);
		expect((await call("GET", `/${UNKNOWN}/resume`)).status).toBe(405);
	});
});

describe("POST /:id/restart", () => {
	it("should restart an errored run from the start", async () => {
		const invalid = plan({ subtasks: [llmSubtask("a", ["ghost"])] });
		const s = await scenario([
			{ match: CALL.plan, replies: [invalid, invalid, plan({ subtasks: [llmSubtask("a")] })] },
			{ match: CALL.subtask("a"), replies: [text("A")] },
			{ match: CALL.synthesise, replies: [done] },
		]);
		await using watch = await watchRuns();
		const { id, instance } = await startRun(watch, { prompt: s.prompt() });
		await instance.waitForStatus("errored");
		const listed = await (
			await call("GET", "/runs?status=errored&limit=100")
		).json<{ runs: { id: string; error: unknown }[] }>();
		expect(listed.runs.find((r) => r.id === id)?.error).toMatchObject({ code: "plan-invalid" });

		const res = await call("POST", `/${id}/restart`);

		expect(res.status).toBe(200);
		expect(await res.json()).toMatchObject({ status: "queued", error: null, restartedFrom: "start" });
		await instance.waitForStatus("complete");
		const run = await waitForRunStatus(id, "complete");
		expect(run.subtasks.map((t) => t.status)).toEqual(["succeeded"]);
	});

	it("should redo only the synthesis with ?from=synthesise, without paying for the plan again", async () => {
		const s = await scenario([
			{ match: CALL.plan, replies: [plan({ subtasks: [llmSubtask("a")] })] },
			{ match: CALL.subtask("a"), replies: [text("A")] },
			{
				match: CALL.synthesise,
				replies: [synthesis({ answer: "first", references: [] }), synthesis({ answer: "second", references: [] })],
			},
		]);
		await using watch = await watchRuns();
		const { id, instance } = await startRun(watch, { prompt: s.prompt() });
		await instance.waitForStatus("complete");

		expect((await call("POST", `/${id}/restart?from=synthesise`)).status).toBe(200);

		const run = await waitForRunStatus(id, "complete");
		expect(run.result?.answer).toBe("second");
		expect([await s.callsOf(CALL.plan), await s.callsOf(CALL.subtask("a")), await s.callsOf(CALL.synthesise)]).toEqual([
			1, 1, 2,
		]);
	});

	it("should redo a failed subtask with ?from=subtask:<id> and refuse one that succeeded", async () => {
		const s = await scenario([
			{ match: CALL.plan, replies: [plan({ subtasks: [llmSubtask("a"), llmSubtask("b")] })] },
			{ match: CALL.subtask("a"), replies: [text("A")] },
			{ match: CALL.subtask("b"), replies: [failure(400), text("B at last")] },
			{ match: CALL.synthesise, replies: [done] },
		]);
		await using watch = await watchRuns();
		const { id, instance } = await startRun(watch, { prompt: s.prompt() });
		await instance.waitForStatus("complete");
		expect((await call("POST", `/${id}/restart?from=subtask:a`)).status).toBe(409);
		expect((await call("POST", `/${id}/restart?from=subtask:zzz`)).status).toBe(404);

		expect((await call("POST", `/${id}/restart?from=subtask:b`)).status).toBe(200);

		const run = await waitForRunStatus(id, "complete");
		expect(run.subtasks.find((t) => t.id === "b")).toMatchObject({ status: "succeeded", output: "B at last" });
		expect(await s.callsOf(CALL.plan)).toBe(1);
		expect(await s.callsOf(CALL.subtask("a"))).toBe(1);
	});

	it("should refuse to restart a run that is still running, and a bad ?from", async () => {
		const s = await scenario([
			{ match: CALL.plan, replies: [slowPlan()] },
			{ match: "", replies: [text("x")] },
		]);
		await using watch = await watchRuns();
		const { id } = await startRun(watch, { prompt: s.prompt() });
		expect((await call("POST", `/${id}/restart`)).status).toBe(409);
		expect((await call("POST", `/${id}/restart?from=plan`)).status).toBe(400);
	});
});

describe("plan approval", () => {
	const threeSubtasks = plan({ subtasks: [llmSubtask("a"), llmSubtask("b"), llmSubtask("c")] });

	it("should wait with the plan shown until approved, then run the edited plan", async () => {
		const s = await scenario([
			{ match: CALL.plan, replies: [threeSubtasks] },
			{ match: "Your subtask", replies: [text("x")] },
			{ match: CALL.synthesise, replies: [done] },
		]);
		await using watch = await watchRuns();
		const { id, instance } = await startRun(watch, { prompt: s.prompt(), options: { approvePlan: true } });
		const waiting = await waitForRunStatus(id, "waiting");
		expect(waiting.plan?.subtasks.map((t) => t.id)).toEqual(["a", "b", "c"]);
		expect(await s.callsOf("Your subtask")).toBe(0);

		const invalid = await call("POST", `/${id}/approve`, {
			approved: true,
			plan: { subtasks: [llmSubtask("a", ["nope"])] },
		});
		expect(invalid.status).toBe(400);
		const approved = await call("POST", `/${id}/approve`, { approved: true, plan: { subtasks: [llmSubtask("b")] } });
		expect(approved.status).toBe(202);

		await instance.waitForStatus("complete");
		const run = await waitForRunStatus(id, "complete");
		expect(run.subtasks.map((t) => [t.id, t.status])).toEqual([["b", "succeeded"]]);
		expect(await s.callsOf("Your subtask")).toBe(1);
		expect((await call("POST", `/${id}/approve`, { approved: true })).status).toBe(409);
	});

	it("should refuse, not cut short, an edited plan over the run's maxSubtasks", async () => {
		const s = await scenario([{ match: CALL.plan, replies: [plan({ subtasks: [llmSubtask("a")] })] }]);
		await using watch = await watchRuns();
		const { id } = await startRun(watch, { prompt: s.prompt(), options: { approvePlan: true, maxSubtasks: 2 } });
		const waiting = await waitForRunStatus(id, "waiting");

		const res = await call("POST", `/${id}/approve`, {
			approved: true,
			plan: { subtasks: [llmSubtask("a"), llmSubtask("b"), llmSubtask("c")] },
		});

		expect(res.status).toBe(400);
		expect((await res.json<{ error: { message: string } }>()).error.message).toContain("at most 2");
		expect(await getStatus(id)).toEqual(waiting);
	});

	it("should fail the run with plan-rejected when the plan is rejected", async () => {
		const s = await scenario([
			{ match: CALL.plan, replies: [threeSubtasks] },
			{ match: "", replies: [text("x")] },
		]);
		await using watch = await watchRuns();
		const { id, instance } = await startRun(watch, { prompt: s.prompt(), options: { approvePlan: true } });
		await waitForRunStatus(id, "waiting");

		expect((await call("POST", `/${id}/approve`, { approved: false, reason: "too broad" })).status).toBe(202);

		await instance.waitForStatus("errored");
		expect((await getStatus(id)).error).toEqual({ code: "plan-rejected", message: "The plan was rejected: too broad" });
	});
});

describe("Idempotency-Key", () => {
	it("should return the same run for the same key and body, and 409 for another body", async () => {
		const s = await scenario([{ match: "", replies: [text("x")] }]);
		await using watch = await watchRuns();
		expect(watch).toBeDefined();
		const key = { "content-type": "application/json", "Idempotency-Key": crypto.randomUUID() };
		const body = { prompt: s.prompt(), options: { allowBrowser: false, maxSubtasks: 2 } };
		const first = await exports.default.fetch("http://o.test/", {
			method: "POST",
			headers: key,
			body: JSON.stringify(body),
		});
		// Same JSON value, other key order: still the same request.
		const again = await exports.default.fetch("http://o.test/", {
			method: "POST",
			headers: key,
			body: JSON.stringify({ options: { maxSubtasks: 2, allowBrowser: false }, prompt: body.prompt }),
		});
		const other = await exports.default.fetch("http://o.test/", {
			method: "POST",
			headers: key,
			body: JSON.stringify({ prompt: "other" }),
		});

		expect([first.status, again.status, other.status]).toEqual([202, 200, 409]);
		expect((await again.json<{ id: string }>()).id).toBe((await first.json<{ id: string }>()).id);
	});
});

describe("POST /batch", () => {
	it("should start every run of a batch", async () => {
		const s = await scenario([{ match: "", replies: [text("x")] }]);
		await using watch = await watchRuns();
		expect(watch).toBeDefined();
		const res = await call("POST", "/batch", { runs: [{ prompt: s.prompt("one") }, { prompt: s.prompt("two") }] });
		expect(res.status).toBe(202);
		const { runs } = await res.json<{ runs: { id: string }[] }>();
		expect(runs).toHaveLength(2);
		expect((await getStatus(runs[1]!.id)).prompt).toContain("two");
	});

	it("should refuse an empty batch, one over 100, and one with an invalid run, starting none", async () => {
		const before = await env.DB.prepare("SELECT COUNT(*) AS n FROM runs").first<number>("n");
		expect((await call("POST", "/batch", { runs: [] })).status).toBe(400);
		expect((await call("POST", "/batch", { runs: Array.from({ length: 101 }, () => ({ prompt: "x" })) })).status).toBe(
			400,
		);
		const invalid = await call("POST", "/batch", { runs: [{ prompt: "fine" }, { prompt: "x".repeat(20_001) }] });
		expect(invalid.status).toBe(413);
		expect((await invalid.json<{ error: { message: string } }>()).error.message).toContain("runs.1.");
		expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM runs").first<number>("n")).toBe(before);
	});
});

describe("admission control", () => {
	it("should answer 429 with Retry-After when MAX_ACTIVE_RUNS runs are in flight", async () => {
		const now = new Date().toISOString();
		const filler = Array.from({ length: 100 }, (_, i) =>
			env.DB.prepare(
				`INSERT INTO runs (id, status, prompt, options, prompt_version, provider, big_model, small_model, created_at, updated_at)
				 VALUES (?, 'running', 'filler', '{}', 'v', 'p', 'b', 's', ?, ?)`,
			).bind(`run_filler${String(i).padStart(16, "0")}`, now, now),
		);
		await env.DB.batch(filler);
		try {
			const res = await call("POST", "/", { prompt: "one too many" });
			expect(res.status).toBe(429);
			expect(res.headers.get("retry-after")).toBe("5");
			expect(await res.json()).toMatchObject({ error: { code: "too-many-runs" } });
		} finally {
			await env.DB.prepare("DELETE FROM runs WHERE prompt = 'filler'").run();
		}
	});
});

describe("GET /runs", () => {
	it("should list runs newest first with cursor pagination and a total", async () => {
		const status = `t${crypto.randomUUID().slice(0, 6)}`;
		await env.DB.batch(
			[1, 2, 3].map((n) =>
				env.DB.prepare(
					`INSERT INTO runs (id, status, prompt, options, prompt_version, provider, big_model, small_model, created_at, updated_at)
					 VALUES (?, 'paused', ?, '{}', 'v', 'p', 'b', 's', ?, ?)`,
				).bind(
					`run_list${status}${n}00000000000000`,
					`${status} ${n}`,
					`2030-01-0${n}T00:00:00.000Z`,
					`2030-01-0${n}T00:00:00.000Z`,
				),
			),
		);
		try {
			const first = await (
				await call("GET", "/runs?status=paused&limit=2")
			).json<{ runs: { prompt: string }[]; total: number; nextCursor: string }>();
			expect(first.runs.map((r) => r.prompt)).toEqual([`${status} 3`, `${status} 2`]);
			expect(first.total).toBeGreaterThanOrEqual(3);
			const second = await (
				await call("GET", `/runs?status=paused&limit=2&cursor=${first.nextCursor}`)
			).json<{ runs: { prompt: string }[] }>();
			expect(second.runs[0]?.prompt).toBe(`${status} 1`);
		} finally {
			await env.DB.prepare("DELETE FROM runs WHERE prompt LIKE ?").bind(`${status}%`).run();
		}
	});

	it("should answer 400 for an unknown status, a bad limit or a forged cursor", async () => {
		expect((await call("GET", "/runs?status=sleeping")).status).toBe(400);
		expect((await call("GET", "/runs?limit=0")).status).toBe(400);
		expect((await call("GET", "/runs?cursor=%%%")).status).toBe(400);
	});
});

describe("GET /:id/instance", () => {
	it("should show the registry's status beside the engine's, and agree once the run ends", async () => {
		const s = await scenario([
			{ match: CALL.plan, replies: [plan({ subtasks: [llmSubtask("a")] })] },
			{ match: CALL.subtask("a"), replies: [text("x")] },
			{ match: CALL.synthesise, replies: [done] },
		]);
		await using watch = await watchRuns();
		const { id, instance } = await startRun(watch, { prompt: s.prompt() });
		await instance.waitForStatus("complete");
		await waitForRunStatus(id, "complete");

		const res = await call("GET", `/${id}/instance`);

		expect(res.status).toBe(200);
		expect(runInstanceSchema.parse(await res.json())).toEqual({
			id,
			registry: "complete",
			instance: { status: "complete", error: null },
		});
	});

	it("should answer 404 for an unknown run and 405 for other methods", async () => {
		expect((await call("GET", `/${UNKNOWN}/instance`)).status).toBe(404);
		const res = await call("POST", `/${UNKNOWN}/instance`);
		expect(res.status).toBe(405);
		expect(res.headers.get("Allow")).toBe("GET");
	});
});
