/**
 * `POST /` with an `Idempotency-Key`, after the IETF draft (draft-ietf-httpapi-idempotency-key-header):
 *
 * - the first request with a key starts a run; a retry with the same body, while the key lives
 *   (IDEMPOTENCY_TTL_HOURS), answers with that run; another body is a 409;
 * - a request that failed (429, or 503 because the Workflow engine refused) leaves no run behind and
 *   releases the key, so the same key may be retried;
 * - a request that arrives while another with the same key is still creating the run waits for it
 *   (a few seconds) and answers like a retry; if it is still not done, 409 with Retry-After, as the
 *   draft asks for concurrent requests;
 * - after the key expires it starts a new run.
 */
import type { RunState } from "@ow/schemas";
import type { OrchestratorConfig } from "../config";
import { OrchestratorError } from "../errors";
import { readKey, settleKey, takeKey, type KeyRecord } from "../registry/idempotency-keys";
import { forgetRuns } from "../registry/run-admission";
import { readRunStatus } from "../registry/run-view";
import { idempotentRunId, initialStatus, startRuns, type AcceptedRun } from "./start-runs";

/** How long a request waits for another with the same key that is still creating its run. */
const WAIT_FOR_OTHER_MS = 5_000;
const POLL_MS = 100;
/**
 * A key still `creating` after this long was abandoned: the request that took it stopped between
 * taking it and creating the run (creating takes well under a second).
 */
const ABANDONED_AFTER_MS = 60_000;

export interface IdempotentResult {
	id: string;
	status: RunState;
	/** True when an earlier request with the key started the run (answered 200, not 202). */
	replayed: boolean;
}

export async function startIdempotentRun(
	env: Env,
	config: OrchestratorConfig,
	key: string,
	requestHash: string,
	run: Omit<AcceptedRun, "id">,
): Promise<IdempotentResult> {
	const waitUntil = Date.now() + WAIT_FOR_OTHER_MS;
	for (;;) {
		const record = await readKey(env.DB, key);
		if (record && holdsKey(record, config)) {
			if (record.requestHash !== requestHash) {
				throw new OrchestratorError(
					"conflict",
					"This Idempotency-Key was already used with a different request body.",
					{
						details: { id: record.runId },
					},
				);
			}
			if (record.state === "started") {
				const started = await readRunStatus(env.DB, record.runId);
				if (started) return { id: started.id, status: started.status, replayed: true };
				// Its run was deleted: the key names nothing any more, so it names a new run.
			} else if (Date.now() - Date.parse(record.createdAt) < ABANDONED_AFTER_MS) {
				if (Date.now() < waitUntil) {
					await new Promise((r) => setTimeout(r, POLL_MS));
					continue;
				}
				throw new OrchestratorError(
					"request-in-progress",
					"A request with this Idempotency-Key is still starting its run; try again in a moment.",
					{ retryAfterSeconds: 1, details: { id: record.runId } },
				);
			} else if (await resumeAbandoned(env, record)) {
				continue;
			}
		}
		// The key is free: never used, expired, released by a failed request, or abandoned.
		const generation = record ? record.generation + 1 : 0;
		const claim = {
			key,
			requestHash,
			runId: await idempotentRunId(key, generation),
			generation,
			createdAt: new Date().toISOString(),
		};
		// Another request took the key first: see what it does with it.
		if (!(await takeKey(env.DB, claim, record))) continue;
		try {
			await startRuns(env, config, [{ id: claim.runId, ...run }]);
		} catch (error) {
			await settleKey(env.DB, claim, "released");
			throw error;
		}
		await settleKey(env.DB, claim, "started");
		return { id: claim.runId, status: initialStatus(run), replayed: false };
	}
}

/** Whether the key still names its run (or the run being created) for requests with it. */
function holdsKey(record: KeyRecord, config: OrchestratorConfig): boolean {
	return record.state !== "released" && Date.parse(record.createdAt) > Date.now() - config.idempotencyTtlMs;
}

/**
 * An abandoned claim whose run did start is marked started (true: read the key again); one whose run
 * never started is cleared (false: take the key anew).
 */
async function resumeAbandoned(env: Env, record: KeyRecord): Promise<boolean> {
	let exists = false;
	try {
		await env.ORCHESTRATOR_WORKFLOW.get(record.runId);
		exists = (await readRunStatus(env.DB, record.runId)) !== null;
	} catch (_error) {
		// No such instance: the request stopped before the engine created it.
	}
	if (exists) {
		await settleKey(env.DB, record, "started");
		return true;
	}
	await forgetRuns(env.DB, [record.runId]);
	return false;
}
