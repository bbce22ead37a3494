/**
 * Starting runs: the limits a request must meet, admission under MAX_ACTIVE_RUNS, and registering each
 * run before its Workflow instance is created (so a run is never invisible). A run whose instance
 * could not be created never started: it is removed again and the request answered 503.
 */
import { PROMPT_VERSION } from "@ow/prompts";
import {
	ADMISSION_CLOSED,
	type AdmissionState,
	type ResolvedRunOptions,
	type RunLabels,
	type RunRequest,
} from "@ow/schemas";
import type { OrchestratorConfig } from "../config";
import { deploymentVersion } from "../deployment-version";
import { messageOf, OrchestratorError } from "../errors";
import { resolveBudget, type Pricing } from "../budget/resolve-budget";
import { readPriceTable } from "../metrics/cost";
import { modelIds } from "../models";
import { forgetRuns, insertRuns } from "../registry/run-admission";
import { openRunStores } from "../registry/run-store";

/** A request that met the limits, with its options resolved. */
export interface AcceptedRun {
	id: string;
	prompt: string;
	options: ResolvedRunOptions;
	/** The caller's labels, kept with the run (not passed to the Workflow, which has no use for them). */
	labels: RunLabels;
	/** The schedule that starts the run, and the tick it is for. */
	schedule?: { id: string; tick: string };
}

/** What a cost limit is checked against: the deployment's prices for both of its models. */
export const deploymentPricing = (env: Env) => (): Pricing => {
	const ids = modelIds(env);
	return { prices: readPriceTable(env), models: [ids.big, ids.small] };
};

/**
 * Checks the deployment's limits (413 for the prompt, 400 for options) and resolves the options,
 * a delay among them (as of `now`).
 */
export function acceptRequest(
	config: OrchestratorConfig,
	body: RunRequest,
	where = "",
	pricing: () => Pricing = () => ({ prices: null, models: [] }),
	now = Date.now(),
): Omit<AcceptedRun, "id"> {
	const { prompt, options = {} } = body;
	const { labels = {} } = options;
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
		labels,
		options: {
			maxSubtasks: options.maxSubtasks ?? config.maxSubtasks,
			failurePolicy: options.failurePolicy ?? "bestEffort",
			allowBrowser: options.allowBrowser ?? true,
			screenshots: options.screenshots ?? false,
			approvePlan: options.approvePlan ?? false,
			approvalTimeoutMinutes: options.approvalTimeoutMinutes ?? config.approvalTimeoutMinutes,
			...resolveBudget(config, options, pricing, where),
			...startAtOf(config, options, where, now),
			...(options.ensemble ? { ensemble: options.ensemble } : {}),
		},
	};
}

/** The status a run starts in: `scheduled` while a delayed run waits for its start time. */
export const initialStatus = (run: Pick<AcceptedRun, "options">): "scheduled" | "queued" =>
	run.options.startAt ? "scheduled" : "queued";

/**
 * When a delayed run starts: `options.startAt` or now plus `options.delaySeconds`, at most
 * MAX_START_DELAY_DAYS ahead. A time that has already come starts the run at once (no startAt).
 */
function startAtOf(
	config: OrchestratorConfig,
	options: NonNullable<RunRequest["options"]>,
	where: string,
	now: number,
): { startAt?: string } {
	const invalid = (field: string, message: string) =>
		new OrchestratorError("invalid-request", `${where}options.${field} ${message}`, {
			details: [{ path: `${where}options.${field}`, message }],
		});
	if (options.startAt !== undefined && options.delaySeconds !== undefined) {
		throw invalid("startAt", "cannot be given with options.delaySeconds: pick one.");
	}
	const field = options.startAt !== undefined ? "startAt" : "delaySeconds";
	const at =
		options.startAt !== undefined
			? Date.parse(options.startAt)
			: options.delaySeconds !== undefined
				? now + options.delaySeconds * 1000
				: null;
	if (at === null || at <= now) return {};
	if (at - now > config.maxStartDelayMs) {
		const days = config.maxStartDelayMs / 86_400_000;
		throw invalid(field, `is too far ahead: a run may start at most ${days} days from now (MAX_START_DELAY_DAYS).`);
	}
	return { startAt: new Date(at).toISOString() };
}

/** Seconds a client refused for MAX_ACTIVE_RUNS is asked to wait. */
const RETRY_AFTER_FULL_SECONDS = 5;

/**
 * Registers the runs and creates their Workflow instances: all of them or none. 429 when they do not
 * fit under MAX_ACTIVE_RUNS; 503 (and no run left behind) when the Workflow engine refuses.
 */
export async function startRuns(env: Env, config: OrchestratorConfig, runs: AcceptedRun[]): Promise<void> {
	if (runs.length > config.maxActiveRuns) {
		throw new OrchestratorError(
			"invalid-request",
			`${runs.length} runs can never be in flight at once: the limit (MAX_ACTIVE_RUNS) is ${config.maxActiveRuns}. Send fewer per batch.`,
		);
	}
	const createdAt = new Date().toISOString();
	const models = modelIds(env);
	const version = deploymentVersion(env);
	const registered = runs.map((r) => ({
		...r,
		promptVersion: PROMPT_VERSION,
		models,
		createdAt,
		deploymentVersion: version,
	}));
	const { admitted, admission } = await insertRuns(env.DB, registered, config.maxActiveRuns);
	if (!admission.open) throw admissionClosed(admission);
	if (!admitted) {
		throw new OrchestratorError(
			"too-many-runs",
			`${runs.length === 1 ? "Another run" : `${runs.length} more runs`} would exceed the limit of ${config.maxActiveRuns} runs in flight (MAX_ACTIVE_RUNS); try again when some have finished.`,
			{
				retryAfterSeconds: RETRY_AFTER_FULL_SECONDS,
				details: { maxActiveRuns: config.maxActiveRuns, requested: runs.length },
			},
		);
	}
	const params = (r: AcceptedRun) => ({ runId: r.id, prompt: r.prompt, options: r.options });
	try {
		// create() refuses an id the engine already knows; createBatch() would skip it silently, so it is
		// only used for fresh random ids (batches), which no instance can have.
		if (runs.length === 1) await env.ORCHESTRATOR_WORKFLOW.create({ id: runs[0]!.id, params: params(runs[0]!) });
		else await env.ORCHESTRATOR_WORKFLOW.createBatch(runs.map((r) => ({ id: r.id, params: params(r) })));
	} catch (error) {
		await forgetRuns(
			env.DB,
			runs.map((r) => r.id),
		);
		throw new OrchestratorError(
			"run-not-started",
			`The Workflow engine did not create the run${runs.length === 1 ? "" : "s"}, so nothing was started: ${messageOf(error)}. Try again.`,
			{ retryAfterSeconds: 1, cause: error },
		);
	}
	openRunStores(
		env,
		runs.map((r) => r.id),
	);
}

/** The 503 of a run refused while admission is closed: the operator's reason and when to come back. */
export function admissionClosed(admission: AdmissionState): OrchestratorError {
	return new OrchestratorError(
		ADMISSION_CLOSED,
		`This deployment is not taking new runs now${admission.reason ? `: ${admission.reason}` : ""}. Runs already started go on; try again later.`,
		{
			retryAfterSeconds: admission.retryAfterSeconds,
			details: { reason: admission.reason, since: admission.updatedAt },
		},
	);
}

/**
 * Run id of an idempotent request: derived from the key and how many runs the key named before, so
 * the Workflow engine itself refuses a second instance for one use of a key, and a key reused after
 * it expired names a new run.
 */
export async function idempotentRunId(key: string, generation: number): Promise<string> {
	const text = `idempotency:${key}:${generation}`;
	const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
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
