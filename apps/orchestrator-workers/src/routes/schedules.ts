/**
 * Schedules: `POST /schedules`, `GET /schedules`, `GET|PATCH|DELETE /schedules/:id`, and, only where
 * SCHEDULES_TEST_CLOCK is true (the end-to-end stack), `POST /schedules/sweep {now}`, which fires the
 * schedules due at a time the caller picks.
 */
import { operation } from "../openapi/operation";
import { zValidator } from "@hono/zod-validator";
import { Hono } from "hono";
import { schedulePatchSchema, scheduleRequestSchema, type ScheduleDetail } from "@ow/schemas";
import { z } from "zod";
import { readConfig } from "../config";
import { OrchestratorError } from "../errors";
import { decodeCursor, encodeCursor } from "../http/page-cursor";
import type { AppEnv } from "../http/app-env";
import { methodNotAllowed, validationHook } from "@ow/http-errors";
import { limitBody, requireJson } from "../http/json-body";
import { scheduleListQuerySchema, scheduleSweepSchema } from "../http/request-schemas";
import { acceptRequest, deploymentPricing } from "../runs/start-runs";
import { nextTick, nextTicks, validateCron } from "../schedules/cron";
import { armScheduleClock } from "../schedules/schedule-clock";
import {
	deleteSchedule,
	insertSchedule,
	lastRunsOf,
	listSchedules,
	newScheduleId,
	readSchedule,
	SCHEDULE_ID_PATTERN,
	toSchedule,
	updateSchedule,
	type ScheduleRow,
	type ScheduleValues,
} from "../schedules/schedule-store";
import { sweepSchedules } from "../schedules/sweep";

const notFound = (id: string) => new OrchestratorError("not-found", `No schedule with id "${id}".`);
const scheduleIdParam = zValidator(
	"param",
	z.object({ scheduleId: z.string().regex(SCHEDULE_ID_PATTERN) }),
	(result, c) => {
		if (!result.success) throw notFound(c.req.param("scheduleId") ?? "");
	},
);

/**
 * Checks what a schedule would hold, as `POST /` would check its runs (400, 413), so a schedule
 * never fires a run that is refused at every tick; returns its next tick (null while paused).
 */
function checkValues(env: Env, v: Omit<ScheduleValues, "nextAt">, now: number): string | null {
	validateCron(v, now);
	acceptRequest(readConfig(env), { prompt: v.prompt, options: v.options }, "", deploymentPricing(env), now);
	return v.paused ? null : nextTick(v, now);
}

async function detail(env: Env, row: ScheduleRow): Promise<ScheduleDetail> {
	return {
		...toSchedule(row),
		nextTimes: row.paused === 1 ? [] : nextTicks(row, Date.now()),
		lastRuns: await lastRunsOf(env.DB, row.id),
	};
}

export const schedules = new Hono<AppEnv>()
	.post(
		"/",
		operation({
			operationId: "createSchedule",
			tag: "schedules",
			summary: "Create a schedule",
			description:
				"Starts `prompt` as a run (with `options` and `labels`) at each tick of `cron`, a standard 5-field expression read in `timezone` (IANA, default UTC). Each tick starts exactly one run; ticks missed while nothing swept start one run, late. A tick while admission is closed or MAX_ACTIVE_RUNS is reached starts none (see `lastError`). 400 for an expression that is invalid or never fires, an unknown time zone or options `POST /` would refuse.",
			body: "ScheduleRequest",
			responses: {
				201: {
					description: "The schedule, with its next ticks.",
					body: "Schedule",
					headers: { Location: { description: "The schedule's URL.", schema: { type: "string" } } },
				},
			},
			errors: [400, 413],
		}),
		limitBody(),
		requireJson,
		zValidator("json", scheduleRequestSchema, validationHook),
		async (c) => {
			const body = c.req.valid("json");
			const now = Date.now();
			const values = { ...body, timezone: body.timezone ?? "UTC", paused: false };
			const nextAt = checkValues(c.env, values, now);
			const id = newScheduleId();
			await insertSchedule(c.env.DB, id, { ...values, nextAt }, new Date(now).toISOString());
			await armScheduleClock(c.env);
			const row = await readSchedule(c.env.DB, id);
			return c.json(await detail(c.env, row!), 201, { Location: `/schedules/${id}` });
		},
	)
	.get(
		"/",
		operation({
			operationId: "listSchedules",
			tag: "schedules",
			summary: "List schedules",
			description: "Newest first, with cursor pagination.",
			query: scheduleListQuerySchema,
			responses: { 200: { description: "A page of schedules.", body: "ScheduleList" } },
			errors: [400],
		}),
		zValidator("query", scheduleListQuerySchema, validationHook),
		async (c) => {
			const { limit, cursor } = c.req.valid("query");
			const rows = await listSchedules(c.env.DB, limit + 1, cursor ? decodeCursor(cursor) : null);
			const page = rows.slice(0, limit);
			return c.json({
				schedules: page.map(toSchedule),
				nextCursor: rows.length > limit ? encodeCursor(page.at(-1)!) : null,
			});
		},
	)
	.all("/", methodNotAllowed(["GET", "POST"]))
	// Before `/:scheduleId`; a 404 like any unknown path unless the test clock is on.
	.post(
		"/sweep",
		operation({
			operationId: "sweepSchedules",
			tag: "schedules",
			summary: "Fire due schedules at a chosen time (tests only)",
			description:
				"Only where the variable SCHEDULES_TEST_CLOCK is true (the end-to-end test stack); 404 everywhere else. Fires every schedule whose next tick is at or before `now`, as the schedules' clock would at that time.",
			body: "ScheduleSweep",
			responses: { 200: { description: "The ticks fired.", body: "ScheduleSweepReport" } },
			errors: [400, 404],
		}),
		async (c) => {
			if (!readConfig(c.env).schedulesTestClock) {
				throw new OrchestratorError("not-found", "No route POST /schedules/sweep (SCHEDULES_TEST_CLOCK is off).");
			}
			const parsed = scheduleSweepSchema.safeParse(await c.req.json().catch(() => null));
			if (!parsed.success) throw new OrchestratorError("invalid-request", 'The body must be {"now": "<ISO time>"}.');
			const fired = await sweepSchedules(c.env, Date.parse(parsed.data.now));
			await armScheduleClock(c.env);
			return c.json({ fired });
		},
	)
	.get(
		"/:scheduleId",
		operation({
			operationId: "getSchedule",
			tag: "schedules",
			summary: "A schedule",
			description: "With its next five ticks (none while paused) and its ten latest runs.",
			responses: { 200: { description: "The schedule.", body: "Schedule" } },
			errors: [404],
		}),
		scheduleIdParam,
		async (c) => {
			const { scheduleId: id } = c.req.valid("param");
			const row = await readSchedule(c.env.DB, id);
			if (!row) throw notFound(id);
			return c.json(await detail(c.env, row));
		},
	)
	.patch(
		"/:scheduleId",
		operation({
			operationId: "updateSchedule",
			tag: "schedules",
			summary: "Change, pause or resume a schedule",
			description:
				"Fields given replace the schedule's. `paused: true` stops new runs (runs already started go on); resuming, or changing `cron` or `timezone`, sets the next tick to the first after now, so ticks missed while paused start nothing.",
			body: "SchedulePatch",
			responses: { 200: { description: "The schedule, changed.", body: "Schedule" } },
			errors: [400, 404, 413],
		}),
		scheduleIdParam,
		limitBody(),
		requireJson,
		zValidator("json", schedulePatchSchema, validationHook),
		async (c) => {
			const { scheduleId: id } = c.req.valid("param");
			const patch = c.req.valid("json");
			const row = await readSchedule(c.env.DB, id);
			if (!row) throw notFound(id);
			const was = toSchedule(row);
			const values = {
				cron: patch.cron ?? was.cron,
				timezone: patch.timezone ?? was.timezone,
				prompt: patch.prompt ?? was.prompt,
				options: patch.options ?? was.options,
				labels: patch.labels ?? was.labels,
				paused: patch.paused ?? was.paused,
			};
			const now = Date.now();
			// The next tick stays unless when it falls changed (the expression, the zone, a resume): then it
			// is the first after now, so resuming never fires the ticks missed while paused.
			const retimed = patch.cron !== undefined || patch.timezone !== undefined || (was.paused && !values.paused);
			const computed = checkValues(c.env, values, now);
			const nextAt = values.paused ? null : retimed || was.nextAt === null ? computed : was.nextAt;
			if (!(await updateSchedule(c.env.DB, id, { ...values, nextAt }, new Date(now).toISOString()))) throw notFound(id);
			await armScheduleClock(c.env);
			return c.json(await detail(c.env, (await readSchedule(c.env.DB, id))!));
		},
	)
	.delete(
		"/:scheduleId",
		operation({
			operationId: "deleteSchedule",
			tag: "schedules",
			summary: "Delete a schedule",
			description: "The runs it started stay.",
			responses: { 200: { description: "The schedule is gone.", body: "DeletedSchedule" } },
			errors: [404],
		}),
		scheduleIdParam,
		async (c) => {
			const { scheduleId: id } = c.req.valid("param");
			if (!(await deleteSchedule(c.env.DB, id))) throw notFound(id);
			await armScheduleClock(c.env);
			return c.json({ id, deleted: true });
		},
	)
	.all("/:scheduleId", methodNotAllowed(["GET", "PATCH", "DELETE"]));
