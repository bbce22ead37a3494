/**
 * Recovery of runs that stopped moving. A run is stale when it is queued or running in the registry
 * and its last event is older than RECOVERY_STALE_MS. For each stale run the sweep asks the Workflow:
 * - the instance is gone: the run is marked errored (`instance-lost`), so it can be listed and restarted;
 * - the instance has ended: the registry catches up with how it ended;
 * - the instance says running: it is kicked with pause + resume, which makes the engine replay it
 *   from its step cache and continue (the local engine does not resume in-flight instances after a
 *   restart of the dev server; this is what gets them going again).
 *
 * On Cloudflare a cron trigger runs the sweep. Cron triggers do not fire under `wrangler dev`, so it
 * also runs on the first request an isolate serves (i.e. after every start) and when a stale run is
 * read, without anyone calling a hidden endpoint.
 */
import { EMPTY_TIMINGS } from "@ow/schemas";
import { readConfig } from "../config";
import { messageOf } from "../errors";
import { notifyProgress } from "../progress/notify";
import { markRunStatus, recordRunFinished } from "../registry/run-registry";
import { logEvent } from "../log";

interface StaleRun {
	id: string;
	status: string;
	last_event: string;
}

/** What the sweep did to each stale run. */
export type RecoveryAction = "kicked" | "lost" | "reconciled" | "left";

/** Finds stale runs and recovers each; returns what it did, by run id. */
export async function recoverStaleRuns(env: Env, now = Date.now()): Promise<Record<string, RecoveryAction>> {
	const staleBefore = new Date(now - readConfig(env).recoveryStaleMs).toISOString();
	const { results } = await env.DB.prepare(
		`SELECT id, status, last_event FROM (
			SELECT r.id, r.status, COALESCE((SELECT MAX(at) FROM events e WHERE e.run_id = r.id), r.updated_at) AS last_event
			FROM runs r WHERE r.status IN ('queued', 'running')
		) WHERE last_event < ? LIMIT 50`,
	)
		.bind(staleBefore)
		.all<StaleRun>();
	const actions: Record<string, RecoveryAction> = {};
	for (const run of results) actions[run.id] = await recoverRun(env, run.id);
	if (results.length > 0) logEvent({ msg: "recovery sweep", staleBefore, actions });
	return actions;
}

/** Recovers one run (see the module comment). */
export async function recoverRun(env: Env, id: string): Promise<RecoveryAction> {
	const at = new Date().toISOString();
	let instance: WorkflowInstance;
	let status: InstanceStatus;
	try {
		instance = await env.ORCHESTRATOR_WORKFLOW.get(id);
		status = await instance.status();
	} catch (error) {
		const lost = {
			code: "instance-lost",
			message: `The run's Workflow instance is gone (${messageOf(error)}); restart the run.`,
		};
		await recordRunFinished(env.DB, id, { status: "errored", error: lost, timings: EMPTY_TIMINGS }, at);
		await notifyProgress(env, id);
		return "lost";
	}
	switch (status.status) {
		case "running":
		case "queued": {
			await instance.pause();
			await instance.resume();
			// An event, so the run does not look stale again before the replay has had its chance.
			await markRunStatus(env.DB, id, "running", at, `:recovered:${at}`);
			await notifyProgress(env, id);
			return "kicked";
		}
		case "errored":
		case "terminated": {
			const error = {
				code: status.status === "errored" ? "internal" : "cancelled",
				message: status.error?.message ?? `The run was ${status.status}.`,
			};
			await recordRunFinished(env.DB, id, { status: "errored", error, timings: EMPTY_TIMINGS }, at);
			await notifyProgress(env, id);
			return "reconciled";
		}
		default:
			return "left";
	}
}

const kickedAt = new Map<string, number>();
let swept = false;

/**
 * The local triggers: the first request of an isolate sweeps; a read of a stale run recovers it. At
 * most one recovery per run per stale period per isolate, so a polling client does not hammer it.
 */
export const recovery = {
	onFirstRequest(env: Env, ctx: { waitUntil(p: Promise<unknown>): void }) {
		if (swept) return;
		swept = true;
		ctx.waitUntil(recoverStaleRuns(env).catch(logFailure));
	},
	onRead(
		env: Env,
		ctx: { waitUntil(p: Promise<unknown>): void },
		run: { id: string; status: string; updatedAt: string },
	) {
		if (run.status !== "running" && run.status !== "queued") return;
		const staleMs = readConfig(env).recoveryStaleMs;
		const now = Date.now();
		if (now - Date.parse(run.updatedAt) < staleMs || now - (kickedAt.get(run.id) ?? 0) < staleMs) return;
		kickedAt.set(run.id, now);
		ctx.waitUntil(recoverStaleRuns(env, now).catch(logFailure));
	},
};

function logFailure(error: unknown) {
	logEvent({ msg: "recovery failed", error: messageOf(error) }, "error");
}
