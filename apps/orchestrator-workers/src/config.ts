/**
 * The deployment's tunables, read from Worker variables with defaults. Every value is checked: a
 * variable that is set to something unusable fails loudly (`config-invalid`) instead of silently
 * falling back.
 */
import { BROWSE_LIMITS } from "@ow/schemas";
import { OrchestratorError } from "./errors";
import { workerVar } from "./worker-vars";

/** What a model call is for; each role has its own output limit. */
export type ModelRole = "plan" | "subtask" | "synthesise" | "agent";

/** Retry and timeout policy of one kind of step. */
export interface StepPolicy {
	retryLimit: number;
	retryDelayMs: number;
	timeoutMs: number;
}

export interface OrchestratorConfig {
	/** Most subtasks a plan may have (and the upper bound of `options.maxSubtasks`). */
	maxSubtasks: number;
	/** Most subtasks in flight at once within a wave; 6 is a Worker's simultaneous-connection limit. */
	maxParallel: number;
	/** Longest prompt accepted by `POST /`; longer is a 413. */
	maxPromptChars: number;
	/** Largest request body accepted; larger is a 413. */
	maxBodyBytes: number;
	/** Largest text a step keeps (subtask output, page text); longer is cut with a marker. */
	maxStepOutputChars: number;
	/** Most actions an agentic browser subtask may take. */
	agentMaxIterations: number;
	/** Most runs in flight (queued, running, waiting, paused); beyond it POST / answers 429. */
	maxActiveRuns: number;
	/** How long an Idempotency-Key names its run; after that the key starts a new run. */
	idempotencyTtlMs: number;
	/** How long a run waits for its plan's approval unless its options say otherwise. */
	approvalTimeoutMinutes: number;
	/** A running run with no event for this long is kicked by the recovery sweep. */
	recoveryStaleMs: number;
	/**
	 * The API and the Workflow engine run in one process (`wrangler dev`), so a run whose last step was
	 * started by an earlier process has lost its engine for certain and is recovered at once.
	 */
	recoveryBootCheck: boolean;
	/** Furthest ahead a delayed run may start (`options.startAt`, `options.delaySeconds`), in milliseconds. */
	maxStartDelayMs: number;
	/**
	 * Tests only: `POST /schedules/sweep {now}` sweeps schedules at a time the caller picks. Off
	 * everywhere else, so production exposes no clock override.
	 */
	schedulesTestClock: boolean;
	/** Finished runs older than this many days are deleted, with their events, subtasks and artifacts. */
	runRetentionDays: number;
	/** Longest a single model call may take before it is abandoned (and its step retried). */
	modelCallTimeoutMs: number;
	/** How long the harness waits for a page to load before the browse fails (and its step retries). */
	browseTimeoutMs: number;
	/** Token budget of a run that names none (`DEFAULT_RUN_MAX_TOKENS`); null: unlimited. */
	defaultRunMaxTokens: number | null;
	/** Highest token budget a run may have or be raised to (`MAX_RUN_MAX_TOKENS`); null: no ceiling. */
	maxRunMaxTokens: number | null;
	/** Most tokens one model call may generate, by the role of the call (sent as `max_tokens`). */
	maxOutputTokens: Record<ModelRole, number>;
	plan: StepPolicy;
	subtask: StepPolicy;
	synthesise: StepPolicy;
}

/** Registry writes: cheap and idempotent, so they retry quickly and often. */
export const RECORD_POLICY: StepPolicy = Object.freeze({ retryLimit: 5, retryDelayMs: 500, timeoutMs: 30_000 });

/** Variable names and their defaults. */
const DEFAULTS = {
	MAX_SUBTASKS: 16,
	MAX_PARALLEL: 6,
	MAX_PROMPT_CHARS: 20_000,
	MAX_BODY_BYTES: 256 * 1024,
	MAX_STEP_OUTPUT_CHARS: 32_000,
	MAX_ACTIVE_RUNS: 100,
	IDEMPOTENCY_TTL_HOURS: 24,
	AGENT_MAX_ITERATIONS: 10,
	APPROVAL_TIMEOUT_MINUTES: 24 * 60,
	RECOVERY_STALE_MS: 10 * 60_000,
	RECOVERY_BOOT_CHECK: false,
	RUN_RETENTION_DAYS: 30,
	MAX_START_DELAY_DAYS: 30,
	SCHEDULES_TEST_CLOCK: false,
	MODEL_CALL_TIMEOUT_MS: 90_000,
	BROWSE_TIMEOUT_MS: BROWSE_LIMITS.defaultTimeoutMs,
	STEP_RETRY_LIMIT: 3,
	STEP_RETRY_DELAY_MS: 2_000,
	PLAN_TIMEOUT_MS: 120_000,
	SUBTASK_TIMEOUT_MS: 180_000,
	SYNTHESISE_TIMEOUT_MS: 120_000,
	// Output limits per call. The default models (Llama 3.x, 128k context) take these with room to spare;
	// Workers AI otherwise stops at its own default of 256 tokens, too few for a plan or a synthesis.
	PLAN_MAX_OUTPUT_TOKENS: 4_096,
	SUBTASK_MAX_OUTPUT_TOKENS: 4_096,
	SYNTHESISE_MAX_OUTPUT_TOKENS: 4_096,
	// One agent action is a small JSON object.
	AGENT_MAX_OUTPUT_TOKENS: 1_024,
} as const;

type ConfigVar = keyof typeof DEFAULTS;

/**
 * Parsed configurations by the variables object they came from. A Worker's variables do not change
 * while its isolate lives, and the API and every step read them: parsing once per `env` keeps that
 * off each request's and each step's CPU time. A configuration that does not parse is never kept, so
 * its error is thrown at every read.
 */
const parsedConfigs = new WeakMap<object, OrchestratorConfig>();

/** Reads and checks the configuration from the Worker's variables. */
export function readConfig(env: object): OrchestratorConfig {
	let config = parsedConfigs.get(env);
	if (!config) {
		config = parseConfig(env);
		parsedConfigs.set(env, config);
	}
	return config;
}

function parseConfig(env: object): OrchestratorConfig {
	const number = (
		name: ConfigVar,
		min: number,
		max: number,
		kind: "an integer" | "a number" | "a number of days",
	): number => {
		const raw = workerVar(env, name);
		if (raw === undefined || raw === "") return Number(DEFAULTS[name]);
		const value = Number(raw);
		const valid = kind === "an integer" ? Number.isInteger(value) : Number.isFinite(value);
		if (!valid || value < min || value > max) {
			throw new OrchestratorError(
				"config-invalid",
				`${name} must be ${kind} from ${min} to ${max}, got "${String(raw)}".`,
			);
		}
		return value;
	};
	const int = (name: ConfigVar, min: number, max: number) => number(name, min, max, "an integer");
	const bool = (name: ConfigVar): boolean => {
		const raw = workerVar(env, name);
		if (raw === undefined || raw === "") return Boolean(DEFAULTS[name]);
		if (raw === true || raw === "true") return true;
		if (raw === false || raw === "false") return false;
		throw new OrchestratorError("config-invalid", `${name} must be "true" or "false", got "${String(raw)}".`);
	};
	// Days may be fractional (0.5 is twelve hours); a deployment keeps runs at most ten years.
	const days = (name: ConfigVar, min: number, max: number) => number(name, min, max, "a number of days");
	// Optional limits: unset means none, so they have no entry in DEFAULTS.
	const optionalInt = (name: "DEFAULT_RUN_MAX_TOKENS" | "MAX_RUN_MAX_TOKENS"): number | null => {
		const raw = (env as Record<string, unknown>)[name];
		if (raw === undefined || raw === "") return null;
		const value = Number(raw);
		if (!Number.isInteger(value) || value < 1 || value > Number.MAX_SAFE_INTEGER) {
			throw new OrchestratorError("config-invalid", `${name} must be a positive integer, got "${String(raw)}".`);
		}
		return value;
	};
	const defaultRunMaxTokens = optionalInt("DEFAULT_RUN_MAX_TOKENS");
	const maxRunMaxTokens = optionalInt("MAX_RUN_MAX_TOKENS");
	if (defaultRunMaxTokens !== null && maxRunMaxTokens !== null && defaultRunMaxTokens > maxRunMaxTokens) {
		throw new OrchestratorError(
			"config-invalid",
			`DEFAULT_RUN_MAX_TOKENS (${defaultRunMaxTokens}) must not be above MAX_RUN_MAX_TOKENS (${maxRunMaxTokens}).`,
		);
	}
	const retryLimit = int("STEP_RETRY_LIMIT", 0, 10);
	const retryDelayMs = int("STEP_RETRY_DELAY_MS", 0, 600_000);
	const policy = (timeout: ConfigVar): StepPolicy => ({
		retryLimit,
		retryDelayMs,
		timeoutMs: int(timeout, 1_000, 3_600_000),
	});
	return {
		maxSubtasks: int("MAX_SUBTASKS", 1, 64),
		maxParallel: int("MAX_PARALLEL", 1, 64),
		maxPromptChars: int("MAX_PROMPT_CHARS", 1, 1_000_000),
		maxBodyBytes: int("MAX_BODY_BYTES", 1_024, 10 * 1024 * 1024),
		maxStepOutputChars: int("MAX_STEP_OUTPUT_CHARS", 1_000, 500_000),
		maxActiveRuns: int("MAX_ACTIVE_RUNS", 1, 1_000_000),
		// Fractions are fine (0.5 is half an hour); a year at most.
		idempotencyTtlMs: number("IDEMPOTENCY_TTL_HOURS", 0.001, 24 * 365, "a number") * 3_600_000,
		agentMaxIterations: int("AGENT_MAX_ITERATIONS", 1, 25),
		approvalTimeoutMinutes: int("APPROVAL_TIMEOUT_MINUTES", 1, 7 * 24 * 60),
		recoveryStaleMs: int("RECOVERY_STALE_MS", 1_000, 24 * 3_600_000),
		recoveryBootCheck: bool("RECOVERY_BOOT_CHECK"),
		runRetentionDays: days("RUN_RETENTION_DAYS", 0.0001, 3650),
		// A Workflow sleeps for up to a year; a fraction of a day is fine (0.5 is twelve hours).
		maxStartDelayMs: days("MAX_START_DELAY_DAYS", 0.0001, 365) * 86_400_000,
		schedulesTestClock: bool("SCHEDULES_TEST_CLOCK"),
		modelCallTimeoutMs: int("MODEL_CALL_TIMEOUT_MS", 1_000, 3_600_000),
		browseTimeoutMs: int("BROWSE_TIMEOUT_MS", BROWSE_LIMITS.minTimeoutMs, BROWSE_LIMITS.maxTimeoutMs),
		defaultRunMaxTokens,
		maxRunMaxTokens,
		maxOutputTokens: {
			plan: int("PLAN_MAX_OUTPUT_TOKENS", 16, 131_072),
			subtask: int("SUBTASK_MAX_OUTPUT_TOKENS", 16, 131_072),
			synthesise: int("SYNTHESISE_MAX_OUTPUT_TOKENS", 16, 131_072),
			agent: int("AGENT_MAX_OUTPUT_TOKENS", 16, 131_072),
		},
		plan: policy("PLAN_TIMEOUT_MS"),
		subtask: policy("SUBTASK_TIMEOUT_MS"),
		synthesise: policy("SYNTHESISE_TIMEOUT_MS"),
	};
}
