/**
 * A run's status as the API reports it: the registry's detail, with the lifecycle field settled by
 * the Workflow instance (the registry is written from steps, so a pause, or an end outside a step,
 * shows there late or not at all).
 */
import type { RunState, RunStatus } from "@ow/schemas";
import { OrchestratorError } from "../errors";
import { readBudget } from "../budget/budget-ledger";
import { estimateCost, readPriceTable } from "../metrics/cost";
import { TERMINAL_RUN_STATES } from "../registry/run-states";
import { readRunStatus } from "../registry/run-view";
import { runStore } from "../registry/run-store";

/** True for complete, errored and terminated. */
export const isTerminal = (status: RunState) => TERMINAL_RUN_STATES.includes(status);

/** The run's status, priced when the deployment has a price table, or a 404 OrchestratorError. */
export async function requireRun(env: Env, id: string): Promise<RunStatus> {
	const store = runStore(env, id);
	const status = await readRunStatus(store, id);
	if (!status) throw notFound(id);
	const prices = readPriceTable(env);
	// Only a run started with a limit has one (a raise needs a limit to raise): the others skip the query.
	const limit = status.options.budget; // absent on runs from before budgets
	const limited = limit !== undefined && (limit.maxTokens !== null || limit.maxCostUsd !== null);
	return {
		...(await withInstanceStatus(env, status)),
		cost: estimateCost(status.usage, prices),
		budget: limited ? await readBudget(store, id, prices) : null,
	};
}

export function notFound(id: string | undefined): OrchestratorError {
	return new OrchestratorError("not-found", `No run with id "${id ?? ""}".`);
}

/** A 409 for a transition the run's state does not allow. */
export function conflict(run: RunStatus, action: string, allowed: RunState[]): OrchestratorError {
	return new OrchestratorError(
		"conflict",
		`Cannot ${action} run ${run.id}: it is ${run.status} (only ${allowed.join(", ")} runs can be).`,
		{
			details: { status: run.status, allowed },
		},
	);
}

/** Throws 409 unless the run's status is one of `allowed`. */
export function assertStatus(run: RunStatus, action: string, allowed: RunState[]): void {
	if (!allowed.includes(run.status)) throw conflict(run, action, allowed);
}

/**
 * How long a run may be quiet in the registry before a read also asks the engine. Every transition the
 * API or a step makes is in the registry at once; the engine only knows better when something ended or
 * stopped outside a step, which a quiet run is the sign of. Asking on every read would queue each
 * status read behind the instance's own work in the engine.
 */
export const ENGINE_CHECK_AFTER_MS = 5_000;

/**
 * When the run last moved, as its status shows: its row changed, or a subtask started or ended. The
 * row alone changes a few times a run (started, planned, ended), so a run busy with its subtasks for
 * longer than ENGINE_CHECK_AFTER_MS would look quiet, and every read of it would wait for the engine.
 */
function lastMovedAt(status: Pick<RunStatus, "updatedAt" | "subtasks">): number {
	const times = status.subtasks.flatMap((s) => [s.startedAt, s.finishedAt]);
	return Math.max(Date.parse(status.updatedAt), ...times.filter((t) => t !== null).map((t) => Date.parse(t)));
}

async function withInstanceStatus(env: Env, status: RunStatus): Promise<RunStatus> {
	if (isTerminal(status.status)) return status;
	if (Date.now() - lastMovedAt(status) < ENGINE_CHECK_AFTER_MS) return status;
	let instance: InstanceStatus;
	try {
		instance = await (await env.ORCHESTRATOR_WORKFLOW.get(status.id)).status();
	} catch (_error) {
		return status; // no instance (yet, or any more): the registry is all there is to show
	}
	switch (instance.status) {
		case "paused":
		case "terminated":
		case "complete":
			return { ...status, status: instance.status };
		case "waitingForPause":
			return { ...status, status: "paused" };
		case "errored":
			return {
				...status,
				status: "errored",
				error: status.error ?? { code: "internal", message: instance.error?.message ?? "The run failed." },
			};
		default:
			return status;
	}
}
