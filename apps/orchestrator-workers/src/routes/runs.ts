/**
 * Runs: start one (`POST /`) and read its status (`GET /:id`).
 */
import { zValidator } from "@hono/zod-validator";
import { Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { PROMPT_VERSION } from "@ow/prompts";
import { runRequestSchema, type ResolvedRunOptions, type RunStatus } from "@ow/schemas";
import { z } from "zod";
import { readConfig } from "../config";
import { OrchestratorError } from "../errors";
import { methodNotAllowed, validationHook } from "../http/errors";
import type { AppEnv } from "../http/app";
import { modelIds } from "../models";
import { insertRun, recordRunFinished } from "../registry/run-registry";
import { readRunStatus } from "../registry/run-view";
import { newRunId, RUN_ID_PATTERN } from "./run-id";

const idParam = z.object({ id: z.string().regex(RUN_ID_PATTERN) });

/** Rejects bodies over MAX_BODY_BYTES with a 413 before they are parsed. */
const limitBody: MiddlewareHandler<AppEnv> = (c, next) =>
	bodyLimit({
		maxSize: readConfig(c.env).maxBodyBytes,
		onError: () => {
			throw new OrchestratorError(
				"prompt-too-large",
				`The request body is larger than ${readConfig(c.env).maxBodyBytes} bytes.`,
			);
		},
	})(c, next);

export const runs = new Hono<AppEnv>()
	.post("/", limitBody, zValidator("json", runRequestSchema, validationHook), async (c) => {
		const config = readConfig(c.env);
		const { prompt, options = {} } = c.req.valid("json");
		if (prompt.length > config.maxPromptChars) {
			throw new OrchestratorError(
				"prompt-too-large",
				`The prompt has ${prompt.length} characters; the limit (MAX_PROMPT_CHARS) is ${config.maxPromptChars}.`,
			);
		}
		if (options.maxSubtasks !== undefined && options.maxSubtasks > config.maxSubtasks) {
			throw new OrchestratorError(
				"invalid-request",
				`options.maxSubtasks must be from 1 to ${config.maxSubtasks} (MAX_SUBTASKS).`,
				{
					details: [{ path: "options.maxSubtasks", message: `at most ${config.maxSubtasks}` }],
				},
			);
		}
		const resolved: ResolvedRunOptions = {
			maxSubtasks: options.maxSubtasks ?? config.maxSubtasks,
			failurePolicy: options.failurePolicy ?? "bestEffort",
			allowBrowser: options.allowBrowser ?? true,
		};
		const id = newRunId();
		const createdAt = new Date().toISOString();
		await insertRun(c.env.DB, {
			id,
			prompt,
			options: resolved,
			promptVersion: PROMPT_VERSION,
			models: modelIds(c.env),
			createdAt,
		});
		try {
			await c.env.ORCHESTRATOR_WORKFLOW.create({ id, params: { runId: id, prompt, options: resolved } });
		} catch (error) {
			// The run is registered; record why it never started instead of leaving it queued forever.
			const failure = { code: "internal", message: `The Workflow instance could not be created: ${String(error)}` };
			const timings = { planMs: null, executeMs: null, synthesiseMs: null };
			const usage = { inputTokens: 0, outputTokens: 0, calls: 0, byModel: {} };
			await recordRunFinished(
				c.env.DB,
				id,
				{ status: "errored", error: failure, usage, timings },
				new Date().toISOString(),
			);
			throw error;
		}
		const links = { self: `/${id}`, events: `/${id}/events` };
		return c.json({ id, status: "queued" as const, links }, 202, { Location: links.self });
	})
	.all("/", methodNotAllowed(["POST"]))
	.get("/:id", zValidator("param", idParam, validIdOr404), async (c) => {
		const { id } = c.req.valid("param");
		const status = await readRunStatus(c.env.DB, id);
		if (!status) throw notFound(id);
		return c.json(await withInstanceStatus(c.env, status));
	})
	.all("/:id", methodNotAllowed(["GET"]));

/** A malformed id names no run: 404, like an unknown one. */
function validIdOr404(result: { success: boolean }, c: { req: { param: (name: "id") => string | undefined } }) {
	if (!result.success) throw notFound(c.req.param("id"));
}

function notFound(id: string | undefined): OrchestratorError {
	return new OrchestratorError("not-found", `No run with id "${id ?? ""}".`);
}

/**
 * The registry is written from steps, so a run that ended outside a step (or is paused) shows there
 * late or not at all; the Workflow instance's own status settles the lifecycle field.
 */
async function withInstanceStatus(env: Env, status: RunStatus): Promise<RunStatus> {
	if (status.status === "complete" || status.status === "errored" || status.status === "terminated") return status;
	let instance: InstanceStatus;
	try {
		instance = await (await env.ORCHESTRATOR_WORKFLOW.get(status.id)).status();
	} catch (_error) {
		return status; // no instance (yet): the registry is all there is to show
	}
	switch (instance.status) {
		case "paused":
		case "waiting":
		case "terminated":
		case "complete":
			return { ...status, status: instance.status };
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
