/**
 * Cron expressions of schedules: standard 5 fields (minute hour day-of-month month day-of-week, with
 * names like MON or JAN), read in an IANA time zone. croner evaluates them (no dependencies, no
 * timers unless given a function, Intl for time zones: it runs in workerd as it is).
 */
import { Cron } from "croner";
import { OrchestratorError } from "../errors";

export interface CronSpec {
	cron: string;
	timezone: string;
}

/** How many coming ticks `GET /schedules/:id` shows. */
export const NEXT_TIMES = 5;

function bad(field: "cron" | "timezone", message: string): OrchestratorError {
	return new OrchestratorError("invalid-request", `${field}: ${message}`, { details: [{ path: field, message }] });
}

/** The expression as croner reads it; throws a 400 for an expression or time zone it cannot use. */
function compile({ cron, timezone }: CronSpec): Cron {
	try {
		Intl.DateTimeFormat("en", { timeZone: timezone }).resolvedOptions();
	} catch (_error) {
		throw bad("timezone", `"${timezone}" is not an IANA time zone (such as UTC or Europe/Berlin).`);
	}
	if (cron.trim().split(/\s+/).length !== 5) {
		throw bad("cron", `"${cron}" is not a 5-field cron expression (minute hour day-of-month month day-of-week).`);
	}
	try {
		return new Cron(cron, { timezone, mode: "5-part", paused: true });
	} catch (error) {
		const reason = error instanceof Error ? error.message.replace(/^CronPattern: /, "") : String(error);
		throw bad("cron", `"${cron}" is not a valid cron expression: ${reason}`);
	}
}

/** Checks the expression and time zone (400 otherwise), including that the expression ever fires. */
export function validateCron(spec: CronSpec, now = Date.now()): void {
	if (nextTick(spec, now) === null) throw bad("cron", `"${spec.cron}" never fires.`);
}

/** The first tick strictly after `after` (ms), as an ISO time; null when there is none. */
export function nextTick(spec: CronSpec, after: number): string | null {
	return compile(spec).nextRun(new Date(after))?.toISOString() ?? null;
}

/** The next `n` ticks after `after`. */
export function nextTicks(spec: CronSpec, after: number, n = NEXT_TIMES): string[] {
	return compile(spec)
		.nextRuns(n, new Date(after))
		.map((d) => d.toISOString());
}
