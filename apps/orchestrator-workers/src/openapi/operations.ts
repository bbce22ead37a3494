/**
 * The one table of the API's operations: method, path (OpenAPI form, `/{id}`), summary, inputs and
 * every status each can answer. The document is built from it, and test/openapi.test.ts checks it
 * against the app's routes, so a route added without a row here fails the tests.
 */
import {
	deleteQuerySchema,
	idempotencyKeySchema,
	listQuerySchema,
	restartQuerySchema,
	scheduleListQuerySchema,
} from "../http/request-schemas";
import { UI_PATHS } from "../ui/paths";
import { ref, toJsonSchema } from "./components";
import type { OperationSpec, ResponseSpec } from "./operation-spec";

const runStatus = (description: string): ResponseSpec => ({ description, body: "RunStatus" });
const text = (mediaType: string, description: string): ResponseSpec => ({
	description,
	body: { mediaType, schema: { type: "string" } },
});
const location = { Location: { description: "The new run's status URL, `/{id}`.", schema: { type: "string" } } };

/** Every operation of the API. Fixed paths first, as in the app. */
export const OPERATIONS: OperationSpec[] = [
	{
		method: "get",
		path: "/health",
		operationId: "health",
		tag: "operations",
		summary: "Liveness",
		public: true,
		responses: { 200: { description: "The Worker is up.", body: "Health" } },
	},
	{
		method: "get",
		path: "/metrics",
		operationId: "metrics",
		tag: "operations",
		summary: "Prometheus metrics",
		description:
			"Text exposition format 0.0.4, computed from the run registry and the browser harness at scrape time: runs by status, subtasks by executor and outcome, step-duration histograms, model calls and tokens, browser pool gauges.",
		responses: { 200: text("text/plain; version=0.0.4", "The metrics.") },
	},
	{
		method: "get",
		path: "/openapi.json",
		operationId: "openapi",
		tag: "operations",
		summary: "This document",
		responses: {
			200: { description: "OpenAPI 3.1.", body: { mediaType: "application/json", schema: { type: "object" } } },
		},
	},
	{
		method: "get",
		path: "/docs",
		operationId: "docsPage",
		tag: "pages",
		summary: "API reference page",
		description: "Renders this document; asks for the API key when /openapi.json needs one.",
		public: true,
		responses: { 200: text("text/html", "The page.") },
	},
	{
		method: "get",
		path: "/docs/docs.js",
		operationId: "docsScript",
		tag: "pages",
		summary: "Script of the API reference page",
		public: true,
		responses: { 200: text("text/javascript", "The script.") },
	},
	{
		method: "get",
		path: "/docs/docs.css",
		operationId: "docsStyles",
		tag: "pages",
		summary: "Styles of the API reference page",
		public: true,
		responses: { 200: text("text/css", "The styles.") },
	},
	{
		method: "get",
		path: UI_PATHS.page,
		operationId: "uiPage",
		tag: "pages",
		summary: "Web page to start and watch runs",
		description: "Holds no data; asks for the API key itself.",
		public: true,
		responses: {
			200: text("text/html", "The page."),
			304: { description: "The client's copy (If-None-Match) is current." },
		},
	},
	{
		method: "get",
		path: UI_PATHS.script,
		operationId: "uiScript",
		tag: "pages",
		summary: "Script of the web page",
		public: true,
		responses: { 200: text("text/javascript", "The script."), 304: { description: "The client's copy is current." } },
	},
	{
		method: "get",
		path: UI_PATHS.styles,
		operationId: "uiStyles",
		tag: "pages",
		summary: "Styles of the web page",
		public: true,
		responses: { 200: text("text/css", "The styles."), 304: { description: "The client's copy is current." } },
	},
	{
		method: "get",
		path: "/",
		operationId: "uiHome",
		tag: "pages",
		summary: "The web page, for browsers",
		description:
			"Only for an Accept header that prefers text/html (a browser's navigation); any other GET / is a 405 (POST / starts a run).",
		public: true,
		responses: { 200: text("text/html", "The page."), 304: { description: "The client's copy is current." } },
	},
	{
		method: "get",
		path: "/admission",
		operationId: "getAdmission",
		tag: "operations",
		summary: "The admission switch",
		description: "Whether new runs are admitted, and why not while closed.",
		responses: { 200: { description: "The switch.", body: "AdmissionState" } },
	},
	{
		method: "post",
		path: "/admission",
		operationId: "setAdmission",
		tag: "operations",
		summary: "Open or close admission",
		description:
			"`{open: false, reason?, retryAfterSeconds?}` stops new runs (`POST /`, `POST /batch`, schedules): they get a 503 `admission-closed` with Retry-After and the reason. Runs already started, and delayed runs, go on. `{open: true}` reopens. Kept in D1, so it holds across restarts.",
		body: "AdmissionRequest",
		responses: { 200: { description: "The switch as set.", body: "AdmissionState" } },
		errors: [400],
	},
	{
		method: "get",
		path: "/runs",
		operationId: "listRuns",
		tag: "runs",
		summary: "List runs",
		description:
			"Newest first, with cursor pagination and the total that matches the filter. `label=key:value`, repeated, keeps the runs carrying every one of those labels.",
		query: listQuerySchema,
		responses: { 200: { description: "A page of runs.", body: "RunList" } },
		errors: [400],
	},
	{
		method: "post",
		path: "/schedules",
		operationId: "createSchedule",
		tag: "schedules",
		summary: "Create a schedule",
		description:
			"Starts `prompt` as a run (with `options` and `labels`) at each tick of `cron`, a standard 5-field expression read in `timezone` (IANA, default UTC). Each tick starts exactly one run; ticks missed while nothing swept start one run, late. A tick while admission is closed or MAX_ACTIVE_RUNS is reached starts none (see `lastError`). 400 for an expression that is invalid or never fires, an unknown time zone or options `POST /` would refuse.",
		body: "ScheduleRequest",
		responses: {
			201: {
				description: "The schedule, with its next ticks.",
				body: "Schedule",
				headers: { Location: { description: "The schedule's URL.", schema: { type: "string" } } },
			},
		},
		errors: [400, 413],
	},
	{
		method: "get",
		path: "/schedules",
		operationId: "listSchedules",
		tag: "schedules",
		summary: "List schedules",
		description: "Newest first, with cursor pagination.",
		query: scheduleListQuerySchema,
		responses: { 200: { description: "A page of schedules.", body: "ScheduleList" } },
		errors: [400],
	},
	{
		method: "post",
		path: "/schedules/sweep",
		operationId: "sweepSchedules",
		tag: "schedules",
		summary: "Fire due schedules at a chosen time (tests only)",
		description:
			"Only where the variable SCHEDULES_TEST_CLOCK is true (the end-to-end test stack); 404 everywhere else. Fires every schedule whose next tick is at or before `now`, as the schedules' clock would at that time.",
		body: "ScheduleSweep",
		responses: { 200: { description: "The ticks fired.", body: "ScheduleSweepReport" } },
		errors: [400, 404],
	},
	{
		method: "get",
		path: "/schedules/{scheduleId}",
		operationId: "getSchedule",
		tag: "schedules",
		summary: "A schedule",
		description: "With its next five ticks (none while paused) and its ten latest runs.",
		responses: { 200: { description: "The schedule.", body: "Schedule" } },
		errors: [404],
	},
	{
		method: "patch",
		path: "/schedules/{scheduleId}",
		operationId: "updateSchedule",
		tag: "schedules",
		summary: "Change, pause or resume a schedule",
		description:
			"Fields given replace the schedule's. `paused: true` stops new runs (runs already started go on); resuming, or changing `cron` or `timezone`, sets the next tick to the first after now, so ticks missed while paused start nothing.",
		body: "SchedulePatch",
		responses: { 200: { description: "The schedule, changed.", body: "Schedule" } },
		errors: [400, 404, 413],
	},
	{
		method: "delete",
		path: "/schedules/{scheduleId}",
		operationId: "deleteSchedule",
		tag: "schedules",
		summary: "Delete a schedule",
		description: "The runs it started stay.",
		responses: { 200: { description: "The schedule is gone.", body: "DeletedSchedule" } },
		errors: [404],
	},
	{
		method: "get",
		path: "/orchestrator/pool",
		operationId: "poolStats",
		tag: "browser",
		summary: "Browser session pool",
		responses: { 200: { description: "The pool's gauges and counters.", body: "PoolStats" } },
		errors: [503],
	},
	{
		method: "post",
		path: "/orchestrator/pool/scale",
		operationId: "scalePool",
		tag: "browser",
		summary: "Resize the browser session pool",
		body: "PoolScaleRequest",
		responses: { 200: { description: "The pool after resizing.", body: "PoolStats" } },
		errors: [400, 503],
	},
	{
		method: "post",
		path: "/",
		operationId: "startRun",
		tag: "runs",
		summary: "Start a run",
		description:
			"With an Idempotency-Key (kept IDEMPOTENCY_TTL_HOURS), a retry with the same body answers 200 with the run it started; another body with the same key is a 409. A request that failed (429, 503) started nothing and frees the key.",
		headers: [
			{
				name: "Idempotency-Key",
				description: "Makes retries safe: the same key and body start one run.",
				schema: toJsonSchema(idempotencyKeySchema, "input"),
			},
		],
		body: "RunRequest",
		responses: {
			200: {
				description: "A retry: the run this Idempotency-Key already started.",
				body: "RunAccepted",
				headers: location,
			},
			202: {
				description: "The run is queued, or `scheduled` when `options.startAt` or `options.delaySeconds` delays it.",
				body: "RunAccepted",
				headers: location,
			},
		},
		errors: [400, 409, 413, 429, 503],
	},
	{
		method: "post",
		path: "/batch",
		operationId: "startRuns",
		tag: "runs",
		summary: "Start up to 100 runs",
		description:
			"All or none: 429 when the runs would not all fit under MAX_ACTIVE_RUNS (none is started), 400 when the batch is larger than MAX_ACTIVE_RUNS.",
		body: "BatchRequest",
		responses: { 202: { description: "The runs are queued.", body: "BatchAccepted" } },
		errors: [400, 413, 429, 503],
	},
	{
		method: "get",
		path: "/{id}",
		operationId: "getRun",
		tag: "runs",
		summary: "A run's status",
		description:
			"Plan, subtasks (state, attempts, timings, output or error), result, usage and timings, also while in flight.",
		responses: { 200: runStatus("The run.") },
		errors: [404],
	},
	{
		method: "get",
		path: "/{id}/instance",
		operationId: "getRunInstance",
		tag: "runs",
		summary: "A run's Workflow instance",
		description:
			"The registry's status beside the Workflow engine's (null when the engine has no such instance): for checking that the two agree.",
		responses: { 200: { description: "The registry's and the engine's view.", body: "RunInstance" } },
		errors: [404],
	},
	{
		method: "get",
		path: "/{id}/timeline.svg",
		operationId: "getRunTimeline",
		tag: "runs",
		summary: "A run's timeline",
		description:
			"The run's waterfall as a standalone SVG: a row per step, a bar per attempt (coloured by outcome; a retried attempt apart, with its backoff dashed), plan-approval waits, and a time axis. Live while the run runs.",
		responses: { 200: text("image/svg+xml", "The waterfall.") },
		errors: [404],
	},
	{
		method: "delete",
		path: "/{id}",
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
	},
	...(["pause", "resume"] as const).map((action): OperationSpec => ({
		method: "post",
		path: `/{id}/${action}`,
		operationId: `${action}Run`,
		tag: "lifecycle",
		summary: action === "pause" ? "Pause a run" : "Resume a paused run",
		responses: { 200: runStatus(`The run, ${action === "pause" ? "paused" : "running"}.`) },
		errors: [404, 409],
	})),
	{
		method: "post",
		path: "/{id}/restart",
		operationId: "restartRun",
		tag: "lifecycle",
		summary: "Restart a run",
		description:
			"From the start, or with `?from=` from a step, keeping the cached results before it. 501 where the platform cannot restart from a step.",
		query: restartQuerySchema,
		responses: { 200: { description: "The run, queued again.", body: "RestartedRun" } },
		errors: [400, 404, 409, 501],
	},
	{
		method: "post",
		path: "/{id}/approve",
		operationId: "approvePlan",
		tag: "lifecycle",
		summary: "Approve or reject a run's plan",
		description: "For runs started with `options.approvePlan`; an approval may carry an edited plan.",
		body: "PlanApproval",
		responses: { 202: { description: "The decision was sent to the run.", body: "ApprovalAnswer" } },
		errors: [400, 404, 409],
	},
	{
		method: "post",
		path: "/{id}/budget",
		operationId: "raiseBudget",
		tag: "lifecycle",
		summary: "Raise the budget of a run waiting for one",
		description:
			'For runs started with `options.onBudgetExceeded: "ask"` whose next model call did not fit (status `waiting`, `waitingFor: "budget"`). Every limit given must raise the current one; the refused call then tries again. 409 when the run is not waiting for a budget.',
		body: "BudgetRaise",
		responses: { 202: runStatus("The run, running again with its new budget.") },
		errors: [400, 404, 409],
	},
	{
		method: "get",
		path: "/{id}/events",
		operationId: "runEvents",
		tag: "events",
		summary: "Live progress",
		description:
			"Server-Sent Events, or a WebSocket with `Upgrade: websocket`. First what the client missed (after Last-Event-ID, else `?after=`, else from the start), then live events; each event's id is its seq and its data a ProgressEvent. While the synthesis runs, its answer arrives as it is written: `synthesis.delta` events (`data: {text}`, in order) and, when an attempt starts over, `synthesis.reset` (discard the text so far); after the latest reset the deltas add up to the answer that `run.completed` carries. They are live only (never in the log): over SSE they have no id, and their seq is that of the last logged event. Browsers, which cannot set headers here, may pass the key as `?access_token=`.",
		headers: [
			{
				name: "Last-Event-ID",
				description: "Resume after this event (EventSource sends it on reconnect).",
				schema: { type: "string", pattern: "^\\d{1,15}$" },
			},
		],
		extraQuery: [
			{
				name: "after",
				description: "Resume after this event seq.",
				schema: { type: "string", pattern: "^\\d{1,15}$" },
			},
			{
				name: "access_token",
				description: "The API key, for clients that cannot send headers.",
				schema: { type: "string" },
			},
		],
		responses: {
			101: {
				description: "WebSocket (request sent with `Upgrade: websocket`): one ProgressEvent as JSON per message.",
				extensions: { "x-message-schema": { $ref: "#/components/schemas/ProgressEvent" } },
			},
			200: {
				description: "The event stream.",
				body: { mediaType: "text/event-stream", schema: { type: "string" } },
				extensions: { "x-event-data-schema": { $ref: "#/components/schemas/ProgressEvent" } },
			},
			204: { description: "The run is over and the client has every event: stop reconnecting." },
		},
		errors: [400, 404],
	},
	{
		method: "get",
		path: "/{id}/artifacts/{key}",
		operationId: "getArtifact",
		tag: "browser",
		summary: "A file a run stored (a screenshot)",
		description: "`key` is the artifact key from the run's status and may contain `/`.",
		responses: {
			200: {
				description: "The file.",
				body: { mediaType: "image/*", schema: { type: "string", contentMediaType: "image/*" } },
			},
		},
		errors: [404, 503],
	},
];
