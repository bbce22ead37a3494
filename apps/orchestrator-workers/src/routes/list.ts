/**
 * `GET /runs?status=&label=&limit=&cursor=`: runs from the registry, newest first, with cursor
 * pagination and the total that matches the filter. `label=key:value` (repeatable, AND) keeps runs
 * carrying every such label, each an indexed lookup in `run_labels`.
 */
import { operation } from "../openapi/operation";
import { zValidator } from "@hono/zod-validator";
import { Hono } from "hono";
import { decodeCursor, encodeCursor } from "../http/page-cursor";
import type { AppEnv } from "../http/app-env";
import { methodNotAllowed, validationHook } from "@ow/http-errors";
import { listQuerySchema } from "../http/request-schemas";

interface RunRow {
	id: string;
	status: string;
	prompt: string;
	created_at: string;
	updated_at: string;
	error_code: string | null;
	error_message: string | null;
	/** JSON object of the run's labels. */
	labels: string;
}

export const list = new Hono<AppEnv>()
	.get(
		"/",
		operation({
			operationId: "listRuns",
			tag: "runs",
			summary: "List runs",
			description:
				"Newest first, with cursor pagination and the total that matches the filter. `label=key:value`, repeated, keeps the runs carrying every one of those labels.",
			query: listQuerySchema,
			responses: { 200: { description: "A page of runs.", body: "RunList" } },
			errors: [400],
		}),
		zValidator("query", listQuerySchema, validationHook),
		async (c) => {
			const { status, label = [], limit, cursor } = c.req.valid("query");
			const filters = [
				...(status ? ["status = ?"] : []),
				...label.map(() => "id IN (SELECT run_id FROM run_labels WHERE key = ? AND value = ?)"),
			];
			const filter = filters.length > 0 ? filters.join(" AND ") : "1 = 1";
			const filterArgs = [...(status ? [status] : []), ...label.flatMap((l) => [l.key, l.value])];
			const after = cursor ? decodeCursor(cursor) : null;
			const page = after ? `AND (created_at < ? OR (created_at = ? AND id < ?))` : "";
			const pageArgs = after ? [after[0], after[0], after[1]] : [];
			const [rows, total] = await c.env.DB.batch([
				c.env.DB.prepare(
					`SELECT id, status, substr(prompt, 1, 200) AS prompt, created_at, updated_at, error_code, error_message,
				 (SELECT json_group_object(key, value) FROM run_labels WHERE run_id = runs.id) AS labels FROM runs
				 WHERE ${filter} ${page} ORDER BY created_at DESC, id DESC LIMIT ?`,
				).bind(...filterArgs, ...pageArgs, limit + 1),
				c.env.DB.prepare(`SELECT COUNT(*) AS n FROM runs WHERE ${filter}`).bind(...filterArgs),
			]);
			const results = (rows?.results ?? []) as RunRow[];
			const pageRows = results.slice(0, limit);
			return c.json({
				runs: pageRows.map((r) => ({
					id: r.id,
					status: r.status,
					prompt: r.prompt,
					createdAt: r.created_at,
					updatedAt: r.updated_at,
					labels: JSON.parse(r.labels) as Record<string, string>,
					error: r.error_code ? { code: r.error_code, message: r.error_message ?? "" } : null,
					links: { self: `/${r.id}`, events: `/${r.id}/events` },
				})),
				total: (total?.results[0] as { n: number } | undefined)?.n ?? 0,
				nextCursor: results.length > limit ? encodeCursor(pageRows.at(-1)!) : null,
			});
		},
	)
	.all("/", methodNotAllowed(["GET"]));
