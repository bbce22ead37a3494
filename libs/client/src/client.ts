/**
 * The typed client of the orchestrator's HTTP API. `api` is the generated openapi-fetch client (every
 * operation, typed from the OpenAPI document); the methods beside it name the common calls and answer
 * `Result`s, errors included as values.
 */
import createClient from "openapi-fetch";
import { settle, type Result } from "./errors.ts";
import type { paths } from "./generated/api.ts";
import type {
	AdmissionRequest,
	AdmissionState,
	ApprovalAnswer,
	BatchAccepted,
	BatchRequest,
	ListRunsQuery,
	PlanApproval,
	PurgedRun,
	RestartedRun,
	RestartFrom,
	RunAccepted,
	RunInstance,
	RunList,
	RunRequest,
	RunStatus,
	Schedule,
	ScheduleList,
	ListSchedulesQuery,
} from "./types.ts";
import { watchRun, type WatchOptions } from "./watch.ts";

export interface OwClientOptions {
	/** The API's base URL, e.g. http://127.0.0.1:8787. */
	baseUrl: string;
	/** Sent as `Authorization: Bearer <key>` when the deployment sets API_KEY. */
	apiKey?: string;
	/** A fetch of your own (tests, proxies); the global one unless given. */
	fetch?: typeof fetch;
}

export type OwClient = ReturnType<typeof createOwClient>;

export function createOwClient({ baseUrl, apiKey, fetch: fetchImpl = globalThis.fetch }: OwClientOptions) {
	const base = baseUrl.replace(/\/+$/, "");
	const headers: Record<string, string> = apiKey ? { authorization: `Bearer ${apiKey}` } : {};
	// openapi-fetch calls fetch with a Request; a bound global keeps `this` right in every runtime.
	const api = createClient<paths>({ baseUrl: base, headers, fetch: (request) => fetchImpl(request) });
	const path = { params: { path: { id: "" } } };
	const byId = (id: string) => ({ ...path, params: { path: { id } } });

	return {
		api,
		baseUrl: base,

		/** Starts a run; with `idempotencyKey`, a retry with the same body answers the same run. */
		startRun(body: RunRequest, { idempotencyKey }: { idempotencyKey?: string } = {}): Promise<Result<RunAccepted>> {
			const params = { header: idempotencyKey ? { "Idempotency-Key": idempotencyKey } : {} };
			return settle(api.POST("/", { body, params }));
		},

		startRuns(body: BatchRequest): Promise<Result<BatchAccepted>> {
			return settle(api.POST("/batch", { body }));
		},

		getRun(id: string): Promise<Result<RunStatus>> {
			return settle(api.GET("/{id}", byId(id)));
		},

		getInstance(id: string): Promise<Result<RunInstance>> {
			return settle(api.GET("/{id}/instance", byId(id)));
		},

		listRuns(query: ListRunsQuery = {}): Promise<Result<RunList>> {
			return settle(api.GET("/runs", { params: { query } }));
		},

		listSchedules(query: ListSchedulesQuery = {}): Promise<Result<ScheduleList>> {
			return settle(api.GET("/schedules", { params: { query } }));
		},

		getSchedule(scheduleId: string): Promise<Result<Schedule>> {
			return settle(api.GET("/schedules/{scheduleId}", { params: { path: { scheduleId } } }));
		},

		cancelRun(id: string): Promise<Result<RunStatus>> {
			// Without ?purge the answer is always the run's status.
			return settle(api.DELETE("/{id}", byId(id))) as Promise<Result<RunStatus>>;
		},

		/** Deletes a finished run's data now (409 while it runs). */
		purgeRun(id: string): Promise<Result<PurgedRun>> {
			const params = { path: { id }, query: { purge: "true" as const } };
			return settle(api.DELETE("/{id}", { params })) as Promise<Result<PurgedRun>>;
		},

		pauseRun(id: string): Promise<Result<RunStatus>> {
			return settle(api.POST("/{id}/pause", byId(id)));
		},

		resumeRun(id: string): Promise<Result<RunStatus>> {
			return settle(api.POST("/{id}/resume", byId(id)));
		},

		restartRun(id: string, from?: RestartFrom): Promise<Result<RestartedRun>> {
			return settle(api.POST("/{id}/restart", { params: { path: { id }, query: from ? { from } : {} } }));
		},

		approvePlan(id: string, answer: PlanApproval): Promise<Result<ApprovalAnswer>> {
			return settle(api.POST("/{id}/approve", { ...byId(id), body: answer }));
		},

		/** Whether the deployment takes new runs now. */
		getAdmission(): Promise<Result<AdmissionState>> {
			return settle(api.GET("/admission"));
		},

		/** Closes admission (`open: false`: new runs get a 503) or reopens it. */
		setAdmission(body: AdmissionRequest): Promise<Result<AdmissionState>> {
			return settle(api.POST("/admission", { body }));
		},

		/** Follows the run's events live, resuming after a dropped connection; ends with the run. */
		watch(id: string, options?: WatchOptions) {
			return watchRun({ baseUrl: base, headers, fetch: fetchImpl }, id, options);
		},
	};
}
