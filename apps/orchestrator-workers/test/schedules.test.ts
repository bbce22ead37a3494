/**
 * Schedules inside workerd: cron validation, the sweep at times the test picks (one run per tick,
 * even for two sweeps at once; missed ticks once; none while paused), and the clock's alarm.
 */
import { runDurableObjectAlarm } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import type { ScheduleDetail } from "@ow/schemas";
import { describe, expect, it } from "vitest";
import { OrchestratorError } from "../src/errors";
import { nextTick, nextTicks, validateCron } from "../src/schedules/cron";
import { scheduleClockAlarm } from "../src/schedules/schedule-clock";
import { sweepSchedules } from "../src/schedules/sweep";
import { post, startRun, watchRuns } from "./run-helpers";
import { scenario, text } from "./scenario";

const request = (path: string, init?: RequestInit) => exports.default.fetch(`http://orchestrator.test${path}`, init);
const patch = (id: string, body: unknown) =>
	request(`/schedules/${id}`, {
		method: "PATCH",
		headers: { "content-type": "application/json" },
		body: JSON.stringify(body),
	});
const MINUTE = 60_000;
const activeRuns = () =>
	env.DB.prepare(
		"SELECT COUNT(*) AS n FROM runs WHERE status IN ('queued', 'running', 'waiting', 'paused')",
	).first<number>("n");

async function createSchedule(body: Record<string, unknown>): Promise<ScheduleDetail> {
	const res = await post("/schedules", body);
	if (res.status !== 201) throw new Error(`POST /schedules: ${res.status} ${await res.text()}`);
	return res.json();
}

const runsOf = async (scheduleId: string) =>
	(
		await env.DB.prepare("SELECT id, schedule_tick AS tick FROM runs WHERE schedule_id = ? ORDER BY schedule_tick")
			.bind(scheduleId)
			.all<{ id: string; tick: string }>()
	).results;

describe("cron expressions", () => {
	it.each([
		["61 * * * *", /Invalid value for minute/],
		["* * * *", /not a 5-field cron expression/],
		["0 * * * * *", /not a 5-field cron expression/],
		["@daily", /not a 5-field cron expression/],
		["0 0 31 2 *", /never fires/],
		["*/0 * * * *", /cron/],
	])("should refuse %s with a 400", (cron, message) => {
		let error: unknown;
		try {
			validateCron({ cron, timezone: "UTC" });
		} catch (e) {
			error = e;
		}
		expect(error).toBeInstanceOf(OrchestratorError);
		expect((error as OrchestratorError).status).toBe(400);
		expect((error as OrchestratorError).message).toMatch(message);
	});

	it("should refuse a time zone that is not IANA", () => {
		expect(() => validateCron({ cron: "* * * * *", timezone: "Mars/Olympus" })).toThrow(/timezone: "Mars\/Olympus"/);
	});

	it("should read the expression in its time zone, summer and winter", () => {
		const nine = { cron: "0 9 * * MON-FRI", timezone: "Europe/Berlin" };
		// Friday 15 January 2026, noon UTC: the next weekday 09:00 in Berlin (UTC+1) is Monday 08:00 UTC.
		expect(nextTick(nine, Date.parse("2026-01-16T12:00:00Z"))).toBe("2026-01-19T08:00:00.000Z");
		expect(nextTick(nine, Date.parse("2026-07-01T12:00:00Z"))).toBe("2026-07-02T07:00:00.000Z");
		expect(nextTicks({ cron: "*/20 * * * *", timezone: "UTC" }, Date.parse("2026-01-01T00:00:00Z"), 3)).toEqual([
			"2026-01-01T00:20:00.000Z",
			"2026-01-01T00:40:00.000Z",
			"2026-01-01T01:00:00.000Z",
		]);
	});
});

describe("the schedule sweep", () => {
	it("should start one run per tick, even for two sweeps at once, and missed ticks once", async () => {
		const s = await scenario([{ match: "", replies: [text("x")] }]);
		await using watch = await watchRuns();
		expect(watch).toBeDefined();
		const schedule = await createSchedule({ cron: "* * * * *", prompt: s.prompt(), labels: { team: "search" } });
		const first = Date.parse(schedule.nextAt!);
		expect(first % MINUTE).toBe(0);

		const [a, b] = await Promise.all([sweepSchedules(env, first + 1_000), sweepSchedules(env, first + 2_000)]);
		await sweepSchedules(env, first + 3_000);
		const firstRuns = await runsOf(schedule.id);
		expect(firstRuns).toEqual([{ id: expect.any(String), tick: schedule.nextAt }]);
		expect([...a, ...b].map((t) => t.runId)).toContain(firstRuns[0]!.id);

		// Five ticks pass with no sweep: the next sweep starts one run, for the first of them.
		const fired = await sweepSchedules(env, first + 5 * MINUTE + 30_000);
		expect(fired.map((t) => t.tick)).toEqual([new Date(first + MINUTE).toISOString()]);
		expect(await runsOf(schedule.id)).toHaveLength(2);
		const after = (await (await request(`/schedules/${schedule.id}`)).json()) as ScheduleDetail;
		expect(after.nextAt).toBe(new Date(first + 6 * MINUTE).toISOString());
		expect(after.lastRuns.map((r) => r.tick)).toEqual([new Date(first + MINUTE).toISOString(), schedule.nextAt]);
		const run = (await (await request(`/${firstRuns[0]!.id}`)).json()) as { schedule: unknown; labels: unknown };
		expect(run.schedule).toEqual({ id: schedule.id, tick: schedule.nextAt });
		expect(run.labels).toEqual({ team: "search" });

		const keys = () =>
			env.DB.prepare("SELECT COUNT(*) AS n FROM idempotency_keys WHERE key LIKE ?")
				.bind(`schedule:${schedule.id}:%`)
				.first<number>("n");
		expect(await keys()).toBe(2);

		// Paused: no tick fires, however late; resumed: the next tick is the first after now.
		expect((await patch(schedule.id, { paused: true })).status).toBe(200);
		expect(await sweepSchedules(env, first + 60 * MINUTE)).toEqual([]);
		expect(await runsOf(schedule.id)).toHaveLength(2);
		// Their ticks' keys go once IDEMPOTENCY_TTL_HOURS (24 here) has passed.
		expect(await keys()).toBe(2);
		await sweepSchedules(env, Date.now() + 25 * 60 * MINUTE);
		expect(await keys()).toBe(0);
		const resumed = (await (await patch(schedule.id, { paused: false })).json()) as ScheduleDetail;
		expect(Date.parse(resumed.nextAt!)).toBeGreaterThan(Date.now());
		expect(Date.parse(resumed.nextAt!)).toBeLessThanOrEqual(Date.now() + MINUTE);
		expect((await request(`/schedules/${schedule.id}`, { method: "DELETE" })).status).toBe(200);
	});

	it("should skip a tick that MAX_ACTIVE_RUNS refuses, say why, and start the next one", async () => {
		const s = await scenario([{ match: "", replies: [text("x")] }]);
		await using watch = await watchRuns();
		const schedule = await createSchedule({ cron: "*/10 * * * *", prompt: s.prompt() });
		const first = Date.parse(schedule.nextAt!);
		// One run in flight (approvePlan: it waits for an approval) fills a limit of 1.
		const { id: blocker } = await startRun(watch, { prompt: s.prompt(), options: { approvePlan: true } });
		const full = { ...env, MAX_ACTIVE_RUNS: String(await activeRuns()) };

		const refused = await sweepSchedules(full, first + 1_000);
		expect(refused.map((t) => [t.runId, t.error?.code])).toEqual([[null, "too-many-runs"]]);
		const after = (await (await request(`/schedules/${schedule.id}`)).json()) as ScheduleDetail;
		expect([after.lastError?.code, after.nextAt, after.lastRuns]).toEqual([
			"too-many-runs",
			new Date(first + 10 * MINUTE).toISOString(),
			[],
		]);

		expect((await request(`/${blocker}`, { method: "DELETE" })).status).toBe(200);
		const next = await sweepSchedules(env, first + 10 * MINUTE + 1_000);
		expect(next.map((t) => t.error)).toEqual([null]);
		expect(((await (await request(`/schedules/${schedule.id}`)).json()) as ScheduleDetail).lastError).toBeNull();
		await request(`/schedules/${schedule.id}`, { method: "DELETE" });
	});

	it("should retime a schedule whose cron changes, and refuse a bad change without changing it", async () => {
		const s = await scenario([{ match: "", replies: [text("x")] }]);
		const schedule = await createSchedule({ cron: "* * * * *", prompt: s.prompt() });
		const hourly = (await (await patch(schedule.id, { cron: "0 * * * *" })).json()) as ScheduleDetail;
		expect(Date.parse(hourly.nextAt!) % (60 * MINUTE)).toBe(0);
		expect(hourly.nextTimes).toHaveLength(5);

		const bad = await patch(schedule.id, { cron: "0 25 * * *" });
		expect(bad.status).toBe(400);
		const kept = (await (await request(`/schedules/${schedule.id}`)).json()) as ScheduleDetail;
		expect([kept.cron, kept.nextAt]).toEqual(["0 * * * *", hourly.nextAt]);
		expect((await patch(schedule.id, {})).status).toBe(400);
		expect((await patch(schedule.id, { prompt: "x".repeat(300_000) })).status).toBe(413);
		expect((await patch("sch_00000000000000000000", { paused: true })).status).toBe(404);
		await request(`/schedules/${schedule.id}`, { method: "DELETE" });
	});

	it("should set the clock's alarm to the earliest tick and fire due schedules when it rings", async () => {
		const s = await scenario([{ match: "", replies: [text("x")] }]);
		await using watch = await watchRuns();
		expect(watch).toBeDefined();
		const hourly = await createSchedule({ cron: "0 * * * *", prompt: s.prompt() });
		const minutely = await createSchedule({ cron: "* * * * *", prompt: s.prompt() });
		expect(await scheduleClockAlarm(env)).toBe(Date.parse(minutely.nextAt!));

		// The minutely schedule's tick is made due now; ringing the alarm fires it and re-arms the clock.
		const due = new Date(Date.now() - 1_000).toISOString();
		await env.DB.prepare("UPDATE schedules SET next_at = ? WHERE id = ?").bind(due, minutely.id).run();
		const clock = env.SCHEDULE_CLOCK.get(env.SCHEDULE_CLOCK.idFromName("schedules"));
		expect(await runDurableObjectAlarm(clock)).toBe(true);
		expect(await runsOf(minutely.id)).toEqual([{ id: expect.any(String), tick: due }]);
		expect(await runsOf(hourly.id)).toEqual([]);
		expect(await scheduleClockAlarm(env)).toBeGreaterThan(Date.now());

		for (const id of [hourly.id, minutely.id]) await request(`/schedules/${id}`, { method: "DELETE" });
		expect(await scheduleClockAlarm(env)).toBeNull();
	});
});
