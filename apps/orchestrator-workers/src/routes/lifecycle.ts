/**
 * Lifecycle of one run: cancel (`DELETE /:id`), purge a finished one (`DELETE /:id?purge=true`),
 * pause, resume, restart and plan approval. Each answers with the run's new status, or 409 when its
 * state does not allow the transition.
 */
import { ref } from "../openapi/components";
import { operation } from "../openapi/operation";
import { zValidator } from "@hono/zod-validator";
import { Hono } from "hono";
import {
	ensembleOf,
	PLAN_APPROVAL_EVENT,
	planApprovalSchema,
	type Plan,
	type ResolvedRunOptions,
	type RunStatus,
} from "@ow/schemas";
import { messageOf, OrchestratorError } from "../errors";
import type { AppEnv } from "../http/app-env";
import { methodNotAllowed, validationHook } from "@ow/http-errors";
import { requireJson } from "../http/json-body";
import { deleteQuerySchema, restartQuerySchema } from "../http/request-schemas";
import { recordCancel, recordRestart, type RestartScope } from "../registry/lifecycle";
import { markRunStatus } from "../registry/run-registry";
import { readRunStatus } from "../registry/run-view";
import { purgeRuns, readEndedRun } from "../runs/retention";
import { instanceCall } from "../runs/instance-call";
import { assertStatus, conflict, isTerminal, notFound, requireRun } from "../runs/run-state";
import { validatePlan } from "../workflows/plan-validation";
import { firstStepOf, now, STEP } from "../workflows/run-context";
import { runIdParam } from "./run-id";
import { runStore } from "../registry/run-store";

export const lifecycle = new Hono<AppEnv>()
	// `/batch` is not a run id: DELETE there is a 405 like its other methods, not a 404 for an unknown run.
	.all("/batch", (c, next) => (c.req.method === "DELETE" ? methodNotAllowed(["POST"])(c) : next()))
	.delete(
		"/:id",
		operation({
			operationId: "cancelRun",
			tag: "lifecycle",
			summary: "Cancel a run, or delete a finished one",
			description:
				"Cancels a run in flight (409 once it has ended). With `?purge=true` it instead deletes a finished run now, as retention (`RUN_RETENTION_DAYS`) would later: its events, subtasks, screenshots and Workflow instance; afterwards `GET /{id}` is 404 and `GET /runs` does not list it, while /metrics counters keep what it counted. 409 while the run has not finished; 503 when the browser harness could not delete its screenshots (nothing is deleted then).",
			query: deleteQuerySchema,
			responses: {
				200: {
					description: "The run, terminated; or, with `?purge=true`, `{id, purged: true}`.",
					body: {
						mediaType: "application/json",
						schema: { oneOf: [ref("RunStatus"), ref("PurgedRun")] },
					},
				},
			},
			errors: [400, 404, 409, 503],
		}),
		runIdParam,
		zValidator("query", deleteQuerySchema, validationHook),
		async (c) => {
			const { id } = c.req.valid("param");
			if (c.req.valid("query").purge === "true") {
				// The registry decides: a run it calls open is still someone's, even if its engine has finished.
				const ended = await readEndedRun(c.env.DB, id);
				if (!ended) {
					const open = await readRunStatus(runStore(c.env, id), id);
					if (!open) throw notFound(id);
					throw conflict(open, "purge", ["complete", "errored", "terminated"]);
				}
				if ((await purgeRuns(c.env, [ended])).length === 0) {
					throw new OrchestratorError(
						"browser-unavailable",
						`Run ${id} was not purged: its artifacts could not be deleted (or it was restarted meanwhile); try again.`,
					);
				}
				return c.json({ id, purged: true });
			}
			const run = await requireRun(c.env, id);
			if (isTerminal(run.status))
				throw conflict(run, "cancel", ["scheduled", "queued", "running", "waiting", "paused"]);
			// The flag first: from here on no step starts model or browser work, even before terminate lands.
			if (!(await recordCancel(runStore(c.env, id), id, now())))
				throw conflict(await requireRun(c.env, id), "cancel", ["scheduled", "queued", "running", "waiting", "paused"]);
			await instanceCall(c.env, id, (i) => i.terminate(), { ignoreMissing: true });
			return c.json(await requireRun(c.env, id));
		},
	)
	.post(
		"/:id/pause",
		operation({
			operationId: "pauseRun",
			tag: "lifecycle",
			summary: "Pause a run",
			responses: { 200: { description: "The run, paused.", body: "RunStatus" } },
			errors: [404, 409],
		}),
		runIdParam,
		async (c) => {
			const { id } = c.req.valid("param");
			assertStatus(await requireRun(c.env, id), "pause", ["queued", "running", "waiting"]);
			await instanceCall(c.env, id, (i) => i.pause());
			await markRunStatus(runStore(c.env, id), id, "paused", now(), `:${Date.now()}`);
			return c.json(await requireRun(c.env, id));
		},
	)
	.post(
		"/:id/resume",
		operation({
			operationId: "resumeRun",
			tag: "lifecycle",
			summary: "Resume a paused run",
			responses: { 200: { description: "The run, running.", body: "RunStatus" } },
			errors: [404, 409],
		}),
		runIdParam,
		async (c) => {
			const { id } = c.req.valid("param");
			assertStatus(await requireRun(c.env, id), "resume", ["paused"]);
			await instanceCall(c.env, id, (i) => i.resume());
			await markRunStatus(runStore(c.env, id), id, "running", now(), `:${Date.now()}`);
			return c.json(await requireRun(c.env, id));
		},
	)
	.post(
		"/:id/restart",
		operation({
			operationId: "restartRun",
			tag: "lifecycle",
			summary: "Restart a run",
			description:
				"From the start, or with `?from=` from a step, keeping the cached results before it. 501 where the platform cannot restart from a step.",
			query: restartQuerySchema,
			responses: { 200: { description: "The run, queued again.", body: "RestartedRun" } },
			errors: [400, 404, 409, 501],
		}),
		runIdParam,
		zValidator("query", restartQuerySchema, validationHook),
		async (c) => {
			const { id } = c.req.valid("param");
			const run = await requireRun(c.env, id);
			const scope = restartScope(run, c.req.valid("query").from);
			if (scope.from === "start") {
				assertStatus(run, "restart", ["complete", "errored", "terminated", "paused"]);
				const asleep = run.startAt !== null && Date.parse(run.startAt) > Date.now();
				await recordRestart(runStore(c.env, id), id, scope, now(), asleep ? "scheduled" : "queued");
				await instanceCall(c.env, id, (i) => i.restart());
			} else {
				await restartFromStep(c.env, run, scope);
			}
			return c.json({
				...(await requireRun(c.env, id)),
				restartedFrom: scope.from === "subtask" ? `subtask:${scope.id}` : scope.from,
			});
		},
	)
	.post(
		"/:id/approve",
		operation({
			operationId: "approvePlan",
			tag: "lifecycle",
			summary: "Approve or reject a run's plan",
			description: "For runs started with `options.approvePlan`; an approval may carry an edited plan.",
			body: "PlanApproval",
			responses: { 202: { description: "The decision was sent to the run.", body: "ApprovalAnswer" } },
			errors: [400, 404, 409],
		}),
		runIdParam,
		requireJson,
		zValidator("json", planApprovalSchema, validationHook),
		async (c) => {
			const { id } = c.req.valid("param");
			const decision = c.req.valid("json");
			const run = await requireRun(c.env, id);
			assertStatus(run, "approve the plan of", ["waiting"]);
			if (run.waitingFor === "budget") {
				throw new OrchestratorError(
					"conflict",
					`Run ${id} waits for a larger budget (POST /${id}/budget), not for its plan.`,
				);
			}
			if (decision.approved && decision.plan) assertEditedPlanValid(decision.plan, run);
			await instanceCall(c.env, id, (i) => i.sendEvent({ type: PLAN_APPROVAL_EVENT, payload: decision }));
			return c.json({ ...(await requireRun(c.env, id)), approval: decision.approved ? "approved" : "rejected" }, 202);
		},
	)
	.all("/:id/:action{pause|resume|restart|approve}", methodNotAllowed(["POST"]));

/**
 * Throws 400 unless a plan edited by a person passes the checks a planned one does. Unlike a model's
 * plan, an edit over the run's subtask limit is refused rather than cut short: the person chose
 * those subtasks, and approving a plan they did not write would be a surprise.
 */
export function assertEditedPlanValid(plan: Plan, run: Pick<RunStatus, "options">): void {
	const { maxSubtasks, allowBrowser } = run.options;
	const check = validatePlan(plan, { maxSubtasks, allowBrowser });
	let problems: string[] = [];
	if (!check.ok) problems = check.problems;
	else if (check.clampedFrom !== null)
		problems = [`the plan has ${check.clampedFrom} subtasks; this run allows at most ${maxSubtasks}`];
	if (problems.length === 0) return;
	throw new OrchestratorError("invalid-request", `The edited plan is invalid: ${problems.join("; ")}`, {
		details: problems,
	});
}

/** What `?from=` asks to redo, checked against the run. */
function restartScope(run: RunStatus, from: string | undefined): RestartScope {
	if (from === undefined) return { from: "start" };
	if (from === "synthesise") {
		assertStatus(run, "restart from synthesise", ["complete", "errored"]);
		if (!run.plan || run.subtasks.some((t) => t.status === "pending" || t.status === "running")) {
			throw new OrchestratorError("conflict", `Run ${run.id} never reached synthesise; restart it whole instead.`);
		}
		return { from: "synthesise" };
	}
	const subtaskId = from.slice("subtask:".length);
	const subtask = run.subtasks.find((t) => t.id === subtaskId);
	if (!subtask) throw new OrchestratorError("not-found", `Run ${run.id} has no subtask "${subtaskId}".`);
	assertStatus(run, `restart subtask "${subtaskId}" of`, ["complete", "errored"]);
	if (subtask.status !== "failed") {
		throw new OrchestratorError(
			"conflict",
			`Subtask "${subtaskId}" is ${subtask.status}; only a failed subtask can be redone.`,
		);
	}
	return { from: "subtask", id: subtaskId };
}

/**
 * Restarts from a step, keeping the cached results of the steps before it (no new plan is paid for).
 * The platform may not offer this (it is not in every local engine): then the registry is left as it
 * was and the answer says so.
 */
async function restartFromStep(env: Env, run: RunStatus, scope: Exclude<RestartScope, { from: "start" }>) {
	const name =
		scope.from === "synthesise" ? STEP.synthesise : await firstStepOfSubtask(runStore(env, run.id), run.id, scope.id);
	await recordRestart(runStore(env, run.id), run.id, scope, now());
	try {
		const instance = await env.ORCHESTRATOR_WORKFLOW.get(run.id);
		await instance.restart({ from: { name } });
	} catch (error) {
		await restoreAfterFailedRestart(runStore(env, run.id), run, scope);
		throw new OrchestratorError(
			"not-supported",
			`Restarting from step "${name}" is not available on this platform (${messageOf(error)}). ` +
				"Restart the whole run instead: POST /:id/restart without ?from.",
			{ details: { from: name } },
		);
	}
}

/**
 * Where redoing a subtask starts: a browser subtask's page step, so its page is read again and then
 * answered from, an ensemble's first answer, or the subtask's one step. Agentic and the plan's
 * ensemble are in the stored plan, the run's ensemble in its options; neither is in the status.
 */
async function firstStepOfSubtask(db: D1Database, runId: string, subtaskId: string): Promise<string> {
	const row = await db
		.prepare("SELECT plan, options FROM runs WHERE id = ?")
		.bind(runId)
		.first<{ plan: string | null; options: string }>();
	const plan = row?.plan ? (JSON.parse(row.plan) as Plan) : null;
	const task = plan?.subtasks.find((t) => t.id === subtaskId);
	if (!task || !row) return STEP.subtask(subtaskId);
	return firstStepOf(task, ensembleOf(JSON.parse(row.options) as ResolvedRunOptions, task));
}

/** Puts back what recordRestart changed when the platform refused the restart. */
async function restoreAfterFailedRestart(db: D1Database, run: RunStatus, scope: RestartScope) {
	const subtask = scope.from === "subtask" ? run.subtasks.find((t) => t.id === scope.id) : undefined;
	await db.batch([
		db
			.prepare("UPDATE runs SET status = ?, result = ?, error_code = ?, error_message = ? WHERE id = ?")
			.bind(
				run.status,
				run.result ? JSON.stringify(run.result) : null,
				run.error?.code ?? null,
				run.error?.message ?? null,
				run.id,
			),
		...run.subtasks
			.filter((t) => t.status === "skipped" || t === subtask)
			.map((t) =>
				db
					.prepare(
						"UPDATE subtasks SET status = ?, error_code = ?, error_message = ?, finished_at = ? WHERE run_id = ? AND id = ?",
					)
					.bind(t.status, t.error?.code ?? null, t.error?.message ?? null, t.finishedAt, run.id, t.id),
			),
	]);
}
