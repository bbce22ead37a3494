/**
 * The current run as the page knows it, and how progress events move it on. Pure (no DOM): the
 * view applies an event, renders, and says the returned sentence to screen readers.
 *
 * Events do not carry outputs or usage; the view re-reads `GET /:id` after a burst of them and merges
 * the answer with `mergeRun`, which keeps whatever the events moved further meanwhile.
 */
import type { ErrorInfo, ProgressEvent, RunState, RunStatus, SubtaskState, SubtaskStatus } from "@ow/schemas";
import { isTerminal } from "./format";

/** One subtask on the page: what `GET /:id` says, or what events said of one the page has not read yet. */
export type ViewSubtask = Pick<SubtaskStatus, "id" | "title" | "executor" | "url" | "status" | "attempts"> &
	Partial<Pick<SubtaskStatus, "dependsOn" | "ensemble">> & {
		output: string | null;
		error: ErrorInfo | null;
		/** The error of the latest failed attempt while the subtask is being retried. */
		retryError?: ErrorInfo | null;
	};

/** The run on the page: the body of `GET /:id`, with subtasks that events may have added. */
export type ViewRun = Omit<RunStatus, "subtasks"> & { subtasks: ViewSubtask[] };

/** The event types the page follows; `run.usage` only brings a re-read of the status. */
export const FOLLOWED_EVENTS = [
	"run.status",
	"plan.ready",
	"subtask.started",
	"subtask.retried",
	"subtask.succeeded",
	"subtask.failed",
	"subtask.skipped",
	"run.completed",
	"run.errored",
	"run.usage",
	"budget.exceeded",
	"budget.raised",
] as const satisfies readonly ProgressEvent["type"][];

/** Every run state (`runStateSchema`), to read one from an event without trusting it. */
export const RUN_STATES = [
	"scheduled",
	"queued",
	"running",
	"waiting",
	"paused",
	"complete",
	"errored",
	"terminated",
] as const satisfies readonly RunState[];
const isRunState = (value: unknown): value is RunState => RUN_STATES.some((state) => state === value);

const SUBTASK_RANK: Record<SubtaskState, number> = { pending: 0, running: 1, succeeded: 2, failed: 2, skipped: 2 };

/** The state each finishing event gives its subtask. */
const FINISHED = {
	"subtask.succeeded": "succeeded",
	"subtask.failed": "failed",
	"subtask.skipped": "skipped",
} as const satisfies Partial<Record<ProgressEvent["type"], SubtaskState>>;

/** Moves a subtask on, never back: replayed or late events cannot undo a newer state. */
function advance(task: ViewSubtask, status: SubtaskState): void {
	if (SUBTASK_RANK[status] >= SUBTASK_RANK[task.status]) task.status = status;
}

/** The subtask with `id`, added as pending when the run does not list it yet. */
function subtaskOf(run: ViewRun, id: string): ViewSubtask {
	let task = run.subtasks.find((t) => t.id === id);
	if (!task) {
		task = { id, title: id, executor: "llm", url: null, status: "pending", attempts: 0, output: null, error: null };
		run.subtasks.push(task);
	}
	return task;
}

// Readers of an event's `data`, which the schema leaves open: a field of the wrong type reads as absent.
const text = (data: Record<string, unknown>, key: string): string | undefined =>
	typeof data[key] === "string" ? data[key] : undefined;
const count = (data: Record<string, unknown>, key: string): number => (typeof data[key] === "number" ? data[key] : 0);
function errorInfo(value: unknown): ErrorInfo | null {
	if (typeof value !== "object" || value === null) return null;
	const { code, message } = value as Record<string, unknown>;
	return typeof message === "string" ? { code: typeof code === "string" ? code : "error", message } : null;
}
function plannedSubtasks(
	value: unknown,
): (Pick<ViewSubtask, "id" | "title" | "executor" | "url"> & { dependsOn: string[]; model: "big" | "small" })[] {
	if (typeof value !== "object" || value === null || !Array.isArray((value as { subtasks?: unknown }).subtasks))
		return [];
	return (value as { subtasks: unknown[] }).subtasks.flatMap((item) => {
		if (typeof item !== "object" || item === null) return [];
		const fields = item as Record<string, unknown>;
		if (typeof fields.id !== "string") return [];
		return [
			{
				id: fields.id,
				title: typeof fields.title === "string" ? fields.title : fields.id,
				executor: fields.executor === "browser" ? "browser" : "llm",
				url: typeof fields.url === "string" ? fields.url : null,
				dependsOn: Array.isArray(fields.dependsOn) ? fields.dependsOn.filter((d) => typeof d === "string") : [],
				model: fields.model === "big" ? ("big" as const) : ("small" as const),
			},
		];
	});
}

function resultOf(value: unknown): ViewRun["result"] {
	if (typeof value !== "object" || value === null) return null;
	const { answer, references } = value as Record<string, unknown>;
	if (typeof answer !== "string") return null;
	return { answer, references: Array.isArray(references) ? references : [] };
}

/**
 * Applies one progress event to `run` (in place) and returns what to announce, or null. `decided`
 * says whether the plan's approval or rejection was sent and the run has not moved on yet.
 */
export function applyEvent(
	run: ViewRun,
	event: Pick<ProgressEvent, "type" | "data">,
	state: { decided: boolean },
): string | null {
	const data = event.data;
	switch (event.type) {
		case "run.status": {
			const status = data.status;
			if (!isRunState(status)) return null;
			if (!isTerminal(run.status) || isTerminal(status)) run.status = status;
			if (status !== "waiting") state.decided = false;
			if (status !== "waiting") run.waitingFor = null;
			const startAt = text(data, "startAt");
			if (status === "scheduled" && startAt) return `Run scheduled: it starts at ${new Date(startAt).toLocaleString()}`;
			if (status !== "waiting") return `Run ${status}`;
			return `Run waiting: ${run.waitingFor === "budget" ? "its budget needs raising" : "the plan needs your approval"}`;
		}
		case "plan.ready": {
			const planned = plannedSubtasks(data.plan);
			run.plan = { subtasks: planned.map((p) => ({ ...p, dependsOn: p.dependsOn ?? [] })) };
			run.subtasks = planned.map((p) => ({ ...subtaskOf(run, p.id), ...p }));
			return `Plan ready: ${planned.length} subtasks`;
		}
		case "subtask.started": {
			const id = text(data, "id");
			if (id === undefined) return null;
			const task = subtaskOf(run, id);
			advance(task, "running");
			task.attempts = Math.max(task.attempts, count(data, "attempt"));
			return `Subtask ${id} started`;
		}
		case "subtask.retried": {
			const id = text(data, "id");
			if (id === undefined) return null;
			subtaskOf(run, id).retryError = errorInfo(data.error);
			const step = text(data, "step");
			return `Subtask ${id}${step ? ` ${step}` : ""} attempt ${count(data, "attempt")} failed; retrying`;
		}
		case "subtask.succeeded":
		case "subtask.failed":
		case "subtask.skipped": {
			const id = text(data, "id");
			if (id === undefined) return null;
			const task = subtaskOf(run, id);
			const status = FINISHED[event.type];
			advance(task, status);
			task.attempts = Math.max(task.attempts, count(data, "attempts"));
			const error = errorInfo(data.error);
			if (error) task.error = error;
			if (status === "skipped") task.error = { code: "skipped", message: text(data, "reason") || "skipped" };
			return `Subtask ${id} ${status}`;
		}
		case "budget.exceeded":
			// Under "ask" the run waits for a raise next; the status read that follows brings the numbers.
			if (run.options.onBudgetExceeded === "ask") run.waitingFor = "budget";
			return `Budget exceeded: ${text(data, "message") ?? ""}`;
		case "budget.raised":
			return "Budget raised";
		case "run.completed": {
			run.status = "complete";
			run.result = resultOf(data.result);
			return "Run complete: the answer is ready";
		}
		case "run.errored": {
			run.status = "errored";
			run.error = errorInfo(data.error);
			return `Run errored: ${run.error?.message ?? ""}`;
		}
		default:
			return null;
	}
}

/**
 * The run after a fresh `GET /:id`. When events arrived during the read, keeps whatever they moved
 * further: a finished run stays finished, a subtask never moves back.
 */
export function mergeRun(old: ViewRun, fresh: ViewRun, eventsArrived: boolean): ViewRun {
	if (!eventsArrived) return fresh;
	if (isTerminal(old.status) && !isTerminal(fresh.status)) fresh.status = old.status;
	for (const task of fresh.subtasks) {
		const local = old.subtasks.find((t) => t.id === task.id);
		if (local && SUBTASK_RANK[local.status] > SUBTASK_RANK[task.status]) task.status = local.status;
	}
	return fresh;
}
