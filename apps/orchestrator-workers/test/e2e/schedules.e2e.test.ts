/**
 * A schedule firing every minute, on the real path, driven faster than real time: the stack runs
 * with SCHEDULES_TEST_CLOCK, so `POST /schedules/sweep {now}` fires what is due at a time the test
 * picks. Two sweeps of one tick (at once, and again) start exactly one run; the next tick starts the
 * next; a paused schedule starts none; bad expressions and time zones are 400s that create nothing.
 */
import type { ScheduleDetail } from "@ow/schemas";
import { llmSubtask } from "@ow/schemas/testing";
import { connectModelServer, waitForRun } from "@ow/testing";
import { describe, expect, inject, it } from "vitest";

const models = connectModelServer(inject("modelURL"));
const dev = { url: inject("devURL") };
const MINUTE = 60_000;

async function send<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
	const res = await fetch(`${dev.url}${path}`, {
		method,
		headers: body === undefined ? {} : { "content-type": "application/json" },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	return { status: res.status, body: (await res.json()) as T };
}

interface Fired {
	fired: { scheduleId: string; tick: string; runId: string | null }[];
}
const sweep = (at: number) => send<Fired>("POST", "/schedules/sweep", { now: new Date(at).toISOString() });
const schedule = async (id: string) => (await send<ScheduleDetail>("GET", `/schedules/${id}`)).body;

describe("schedules", () => {
	it("should start exactly one run per tick, even when the sweep runs twice, and none while paused", async () => {
		const id = `scn-${crypto.randomUUID()}`;
		await models.defineScenario({
			id,
			rules: [
				{ match: "You are the planner", replies: [{ kind: "json", value: { subtasks: [llmSubtask("only")] } }] },
				{ match: "Your subtask: Subtask only\n", replies: [{ kind: "text", text: "tick" }] },
				{
					match: "You combine the results",
					replies: [{ kind: "json", value: { answer: "{{fenced}}", references: [] } }],
				},
			],
		});
		const created = await send<ScheduleDetail>("POST", "/schedules", {
			cron: "* * * * *",
			prompt: `Every minute. [${id}]`,
			options: { maxSubtasks: 2 },
			labels: { env: "e2e" },
		});
		expect(created.status).toBe(201);
		const { id: scheduleId, nextAt, nextTimes } = created.body;
		const first = Date.parse(nextAt!);
		expect(nextTimes).toHaveLength(5);
		expect(
			(await send<{ schedules: { id: string }[] }>("GET", "/schedules")).body.schedules.map((s) => s.id),
		).toContain(scheduleId);

		// The first tick, swept twice at once and once more after.
		const [a, b] = await Promise.all([sweep(first + 1_000), sweep(first + 2_000)]);
		const again = await sweep(first + 3_000);
		const mine = (r: { body: Fired }) => r.body.fired.filter((t) => t.scheduleId === scheduleId);
		// The clock's own alarm is due at this tick in real time too (within the minute) and may ring
		// meanwhile: whoever fires the tick, it has exactly one run, and every sweep that fired it names it.
		const firstTick = (await schedule(scheduleId)).lastRuns.filter((r) => r.tick === nextAt);
		expect(firstTick).toHaveLength(1);
		for (const t of [...mine(a), ...mine(b), ...mine(again)]) expect(t.runId).toBe(firstTick[0]!.id);
		expect(mine(again)).toEqual([]);
		// The second tick.
		expect(mine(await sweep(first + MINUTE + 1_000)).map((t) => t.tick)).toEqual([
			new Date(first + MINUTE).toISOString(),
		]);

		const detail = await schedule(scheduleId);
		expect(detail.lastRuns.map((r) => r.tick)).toEqual([new Date(first + MINUTE).toISOString(), nextAt]);
		for (const run of detail.lastRuns) {
			const done = await waitForRun(dev.url, run.id);
			expect(done.status).toBe("complete");
			expect(done.schedule).toEqual({ id: scheduleId, tick: run.tick });
		}
		expect((await models.scenarioStats(id)).rules.map((r) => r.calls)).toEqual([2, 2, 2]);

		// Paused: later ticks start nothing.
		const paused = await send<ScheduleDetail>("PATCH", `/schedules/${scheduleId}`, { paused: true });
		expect([paused.status, paused.body.paused, paused.body.nextAt]).toEqual([200, true, null]);
		expect(mine(await sweep(first + 10 * MINUTE))).toEqual([]);
		expect((await schedule(scheduleId)).lastRuns).toHaveLength(2);

		expect((await send("DELETE", `/schedules/${scheduleId}`)).status).toBe(200);
		expect((await send("GET", `/schedules/${scheduleId}`)).status).toBe(404);
	});

	it.each([
		["a bad cron expression", { cron: "61 * * * *" }, /cron/],
		["a 6-field expression", { cron: "0 * * * * *" }, /5-field/],
		["an expression that never fires", { cron: "0 0 30 2 *" }, /never fires/],
		["an unknown time zone", { cron: "* * * * *", timezone: "Nowhere/Town" }, /timezone/],
		["a bad label", { cron: "* * * * *", labels: { "Not OK": "x" } }, /labels/],
	])("should refuse %s with a 400 and create nothing", async (_what, body, message) => {
		const before = (await send<{ schedules: unknown[] }>("GET", "/schedules?limit=100")).body.schedules.length;
		const res = await send<{ error: { code: string } }>("POST", "/schedules", { prompt: "Never.", ...body });
		expect(res.status).toBe(400);
		expect(res.body.error.code).toBe("invalid-request");
		expect(JSON.stringify(res.body)).toMatch(message);
		expect((await send<{ schedules: unknown[] }>("GET", "/schedules?limit=100")).body.schedules).toHaveLength(before);
	});
});
