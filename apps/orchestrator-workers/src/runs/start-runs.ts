/**
 * Starting runs: the limits a request must meet, admission control, and registering each run before
 * its Workflow instance is created (so a run is never invisible, and one whose instance could not be
 * created says why).
 */
import { PROMPT_VERSION } from "@ow/prompts";
import { EMPTY_TIMINGS, type ResolvedRunOptions, type RunRequest } from "@ow/schemas";
import type { OrchestratorConfig } from "../config";
import { messageOf, OrchestratorError } from "../errors";
import { modelIds } from "../models";
import { insertRun, recordRunFinished } from "../registry/run-registry";
import { newRunId } from "../routes/run-id";

/** A request that met the limits, with its options resolved. */
export interface AcceptedRun {
	id: string;
	prompt: string;
	options: ResolvedRunOptions;
	idempotency?: { key: string; requestHash: string };
}

/** Checks the deployment's limits (413 for the prompt, 400 for options) and resolves the options. */
export function acceptRequest(config: OrchestratorConfig, body: RunRequest, where = ""): Omit<AcceptedRun, "id"> {
	const { prompt, options = {} } = body;
	if (prompt.length > config.maxPromptChars) {
		throw new OrchestratorError(
			"prompt-too-large",
			`${where}The prompt has ${prompt.length} characters; the limit (MAX_PROMPT_CHARS) is ${config.maxPromptChars}.`,
		);
	}
	if (options.maxSubtasks !== undefined && options.maxSubtasks > config.maxSubtasks) {
		throw new OrchestratorError(
			"invalid-request",
			`${where}options.maxSubtasks must be from 1 to ${config.maxSubtasks} (MAX_SUBTASKS).`,
			{
				details: [{ path: `${where}options.maxSubtasks`, message: `at most ${config.maxSubtasks}` }],
			},
		);
	}
	return {
		prompt,
		options: {
			maxSubtasks: options.maxSubtasks ?? config.maxSubtasks,
			failurePolicy: options.failurePolicy ?? "bestEffort",
			allowBrowser: options.allowBrowser ?? true,
			screenshots: options.screenshots ?? false,
			approvePlan: options.approvePlan ?? false,
			approvalTimeoutMinutes: options.approvalTimeoutMinutes ?? config.approvalTimeoutMinutes,
		},
	};
}

/** Run states that count against MAX_ACTIVE_RUNS. */
const ACTIVE = "status IN ('queued', 'running', 'waiting', 'paused')";

/** Refuses with 429 when `count` more runs would exceed MAX_ACTIVE_RUNS. */
export async function admit(db: D1Database, config: OrchestratorConfig, count: number): Promise<void> {
	const active = (await db.prepare(`SELECT COUNT(*) AS n FROM runs WHERE ${ACTIVE}`).first<number>("n")) ?? 0;
	if (active + count > config.maxActiveRuns) {
		throw new OrchestratorError(
			"too-many-runs",
			`${active} runs are in flight and the limit (MAX_ACTIVE_RUNS) is ${config.maxActiveRuns}; try again when some have finished.`,
			{ retryAfterSeconds: 5 },
		);
	}
}

/** Registers the runs and creates their Workflow instances in one batch. */
export async function startRuns(env: Env, runs: AcceptedRun[]): Promise<void> {
	const createdAt = new Date().toISOString();
	const models = modelIds(env);
	for (const run of runs) {
		await insertRun(env.DB, { ...run, promptVersion: PROMPT_VERSION, models, createdAt });
	}
	try {
		await env.ORCHESTRATOR_WORKFLOW.createBatch(
			runs.map((r) => ({ id: r.id, params: { runId: r.id, prompt: r.prompt, options: r.options } })),
		);
	} catch (error) {
		// The runs are registered; record why they never started instead of leaving them queued forever.
		const failure = { code: "internal", message: `The Workflow instance could not be created: ${messageOf(error)}` };
		for (const run of runs) {
			await recordRunFinished(
				env.DB,
				run.id,
				{ status: "errored", error: failure, timings: EMPTY_TIMINGS },
				new Date().toISOString(),
			);
		}
		throw error;
	}
}

/** Run id of an idempotent request: derived from the key, so a retry names the same run. */
export async function idempotentRunId(key: string): Promise<string> {
	const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`idempotency:${key}`)));
	return `run_${Array.from(digest.slice(0, 16), (b) => b.toString(36).padStart(2, "0")).join("")}`;
}

/** A stable hash of a request body: same JSON value, same hash, whatever the key order. */
export async function requestHash(body: unknown): Promise<string> {
	const canonical = JSON.stringify(body, (_key, value: unknown) =>
		value && typeof value === "object" && !Array.isArray(value)
			? Object.fromEntries(Object.entries(value).toSorted(([a], [b]) => a.localeCompare(b)))
			: value,
	);
	const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(canonical)));
	return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

export { newRunId };
