/**
 * What fires schedules, locally and on Cloudflare alike: one Durable Object whose alarm is set to the
 * earliest next tick of all active schedules. Cron triggers do not fire under `wrangler dev`, and an
 * alarm fires within a second of its time instead of at the next 5-minute cron; the cron trigger still
 * sweeps schedules too, as a safety net (index.ts).
 *
 * The alarm is (re)armed whenever that earliest tick may have changed: after each sweep, after a
 * schedule is created, changed or deleted, and by the recovery sweep an isolate runs on its first
 * request (so a restarted dev server picks its schedules up again).
 */
import { DurableObject } from "cloudflare:workers";
import { messageOf } from "../errors";
import { logEvent } from "../log";
import { earliestTick } from "./schedule-store";
import { sweepSchedules } from "./sweep";

export class ScheduleClock extends DurableObject<Env> {
	/** Sets the alarm to the earliest next tick (none when no schedule is active); returns it. */
	async arm(): Promise<string | null> {
		const next = await earliestTick(this.env.DB);
		if (next === null) await this.ctx.storage.deleteAlarm();
		// A tick already due (a sweep left some over, or the clock was down) fires at once.
		else await this.ctx.storage.setAlarm(Math.max(Date.parse(next), Date.now()));
		return next;
	}

	/** When the alarm was set for (ms), or null; for tests and the status of the clock. */
	async alarmAt(): Promise<number | null> {
		return this.ctx.storage.getAlarm();
	}

	/** A thrown error makes the platform retry the alarm; arming again after the sweep moves it on. */
	override async alarm(): Promise<void> {
		await sweepSchedules(this.env, Date.now());
		await this.arm();
	}
}

/** The one clock of the deployment. */
function clockOf(env: Env) {
	return env.SCHEDULE_CLOCK.get(env.SCHEDULE_CLOCK.idFromName("schedules"));
}

/** Re-arms the clock; best effort (the next request's or cron's sweep arms it again), never throws. */
export async function armScheduleClock(env: Env): Promise<void> {
	try {
		await clockOf(env).arm();
	} catch (error) {
		logEvent({ msg: "schedule clock not armed", error: messageOf(error) }, "warn");
	}
}

export async function scheduleClockAlarm(env: Env): Promise<number | null> {
	return clockOf(env).alarmAt();
}
