/**
 * `GET /:id/timeline.svg`: the run's waterfall, drawn from the registry (each step attempt's start,
 * end and outcome; the waits for plan approval from the run's status events). A standalone SVG, so it
 * can be put into an issue or a document as it is; the page shows it live.
 */
import { operation, textResponse } from "../openapi/operation";
import { Hono } from "hono";
import type { AppEnv } from "../http/app-env";
import { methodNotAllowed } from "@ow/http-errors";
import { TERMINAL_RUN_STATES } from "../registry/run-states";
import { readRunStatus } from "../registry/run-view";
import { readAttempts } from "../registry/step-attempts";
import { notFound } from "../runs/run-state";
import { timelineSvg, type TimelineWait } from "../timeline/timeline-svg";
import { runIdParam } from "./run-id";
import { runStore } from "../registry/run-store";

export const timeline = new Hono<AppEnv>()
	.get(
		"/:id/timeline.svg",
		operation({
			operationId: "getRunTimeline",
			tag: "runs",
			summary: "A run's timeline",
			description:
				"The run's waterfall as a standalone SVG: a row per step, a bar per attempt (coloured by outcome; a retried attempt apart, with its backoff dashed), plan-approval waits, and a time axis. Live while the run runs.",
			responses: { 200: textResponse("image/svg+xml", "The waterfall.") },
			errors: [404],
		}),
		runIdParam,
		async (c) => {
			const id = c.req.valid("param").id;
			const run = await readRunStatus(runStore(c.env, id), id);
			if (!run) throw notFound(id);
			const [rows, waits] = await Promise.all([
				readAttempts(runStore(c.env, id), id),
				readWaits(runStore(c.env, id), id),
			]);
			const attempts = rows.map((r) => ({
				step: r.step,
				attempt: r.attempt,
				startMs: Date.parse(r.started_at),
				endMs: r.finished_at ? Date.parse(r.finished_at) : null,
				outcome: r.outcome,
				errorCode: r.error_code,
			}));
			const over = TERMINAL_RUN_STATES.includes(run.status);
			const ends = attempts.map((a) => a.endMs ?? a.startMs);
			const startMs = Math.min(Date.parse(run.createdAt), ...attempts.map((a) => a.startMs));
			const nowMs = over ? Math.max(startMs, Date.parse(run.updatedAt), ...ends) : Date.now();
			const svg = timelineSvg({ runId: id, status: run.status, startMs, nowMs, attempts, waits });
			return c.body(svg, 200, { "content-type": "image/svg+xml; charset=utf-8", "cache-control": "no-store" });
		},
	)
	.all("/:id/timeline.svg", methodNotAllowed(["GET"]));

/** The run's waits for its plan's approval in this generation: from `waiting` to the next status. */
async function readWaits(db: D1Database, runId: string): Promise<TimelineWait[]> {
	const { results } = await db
		.prepare(
			`SELECT json_extract(data, '$.status') AS status, at FROM events
			 WHERE run_id = ?1 AND type = 'run.status' AND key LIKE (SELECT generation FROM runs WHERE id = ?1) || ':%'
			 ORDER BY seq`,
		)
		.bind(runId)
		.all<{ status: string; at: string }>();
	const waits: TimelineWait[] = [];
	results.forEach((event, i) => {
		if (event.status !== "waiting") return;
		const next = results.slice(i + 1).find((e) => e.status !== "waiting");
		waits.push({ label: "plan-approval", startMs: Date.parse(event.at), endMs: next ? Date.parse(next.at) : null });
	});
	return waits;
}
