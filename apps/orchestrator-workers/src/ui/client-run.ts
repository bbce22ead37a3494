/**
 * Browser JavaScript, part 2 of 4: the current run. `GET /:id` renders what already happened, then
 * `GET /:id/events` (EventSource) moves the run and its subtasks on live. Events do not carry outputs,
 * so each burst of events is followed by one `GET /:id` that fills them in.
 */

/** `openRun(id)`, the run's state in `view`, and its live events. */
export const CLIENT_RUN = String.raw`
const EVENT_TYPES = [
	"run.status", "plan.ready", "subtask.started", "subtask.retried", "subtask.succeeded",
	"subtask.failed", "subtask.skipped", "run.completed", "run.errored", "run.usage",
];
const view = {
	id: null,
	run: null,
	early: [],
	source: null,
	refreshTimer: null,
	eventsSinceFetch: 0,
	cards: new Map(),
	streamed: "", // the answer as the synthesis writes it, until the result replaces it
	decided: false, // the plan's approval or rejection was sent; the run has not moved on yet
};

/** Shows run id: reads its status, renders it, and follows its events until it ends. */
async function openRun(id, focus) {
	closeEvents();
	clearTimeout(view.refreshTimer);
	view.id = id;
	view.run = null;
	view.early = [];
	view.decided = false;
	view.streamed = "";
	view.cards.clear();
	if (location.hash !== "#" + id) location.hash = id;
	$("run").hidden = false;
	$("run-id").textContent = id;
	$("run-prompt").textContent = "";
	$("run-usage").textContent = "";
	$("run-demo").hidden = true;
	$("timeline").hidden = true;
	setStatus($("run-status"), "loading");
	$("subtasks").replaceChildren();
	$("plan-empty").hidden = false;
	$("result").hidden = true;
	$("approval").hidden = true;
	$("cancel-run").hidden = true;
	hideError($("run-error"));
	hideError($("run-failure"));
	markCurrentRun();
	if (focus) $("run-heading").focus();
	// The stream opens alongside the status read; events that arrive first wait for it.
	followEvents(id);
	try {
		const run = await api("GET", "/" + id);
		if (view.id !== id) return;
		view.run = run;
		render();
		// A finished run's status is complete: its replayed events add nothing.
		if (isTerminal(run.status)) closeEvents();
		else for (const event of view.early.splice(0)) onEvent(event);
	} catch (error) {
		if (view.id !== id) return;
		closeEvents();
		showError($("run-error"), error);
	}
}

function followEvents(id) {
	// EventSource cannot send headers: the key goes in the query, the one place the API reads it there.
	const key = apiKey();
	const source = new EventSource("/" + id + "/events" + (key ? "?access_token=" + encodeURIComponent(key) : ""));
	view.source = source;
	for (const type of EVENT_TYPES) {
		source.addEventListener(type, (message) => {
			if (view.source !== source) return;
			onEvent(JSON.parse(message.data));
		});
	}
	// The answer as it is written: shown at once, without a status read per delta.
	for (const type of ["synthesis.delta", "synthesis.reset"]) {
		source.addEventListener(type, (message) => {
			if (view.source === source) onSynthesisText(JSON.parse(message.data));
		});
	}
	source.addEventListener("error", () => {
		// CONNECTING: the browser reconnects by itself with Last-Event-ID. CLOSED: the server said the run
		// is over (204) or refused; the status read tells which.
		if (view.source === source && source.readyState === EventSource.CLOSED) {
			closeEvents();
			refresh(0);
		}
	});
}

function closeEvents() {
	if (view.source) view.source.close();
	view.source = null;
}

function subtaskOf(id) {
	let task = view.run.subtasks.find((t) => t.id === id);
	if (!task) {
		task = { id, title: id, executor: "llm", url: null, status: "pending", attempts: 0, output: null, error: null };
		view.run.subtasks.push(task);
	}
	return task;
}

/** Moves a subtask on, never back: replayed or late events cannot undo a newer state. */
function advance(task, status) {
	if (SUBTASK_RANK[status] >= SUBTASK_RANK[task.status]) task.status = status;
}

/** Applies one progress event {seq, runId, type, at, data} to the run, then renders it. */
function onEvent(event) {
	const run = view.run;
	const data = event.data || {};
	if (event.runId !== view.id) return;
	if (!run) return void view.early.push(event);
	view.eventsSinceFetch += 1;
	let said = null;
	switch (event.type) {
		case "run.status":
			if (!isTerminal(run.status) || isTerminal(data.status)) run.status = data.status;
			if (data.status !== "waiting") view.decided = false;
			said = "Run " + data.status + (data.status === "waiting" ? ": the plan needs your approval" : "");
			break;
		case "plan.ready": {
			run.plan = data.plan;
			const planned = data.plan.subtasks.map((p) => Object.assign({}, subtaskOf(p.id), p));
			run.subtasks = planned;
			said = "Plan ready: " + planned.length + " subtasks";
			break;
		}
		case "subtask.started": {
			const task = subtaskOf(data.id);
			advance(task, "running");
			task.attempts = Math.max(task.attempts || 0, data.attempt || 0);
			said = "Subtask " + data.id + " started";
			break;
		}
		case "subtask.retried": {
			const task = subtaskOf(data.id);
			task.retryError = data.error;
			said = "Subtask " + data.id + (data.step ? " " + data.step : "") + " attempt " + data.attempt + " failed; retrying";
			break;
		}
		case "subtask.succeeded":
		case "subtask.failed":
		case "subtask.skipped": {
			const task = subtaskOf(data.id);
			const status = event.type.slice("subtask.".length);
			advance(task, status);
			if (data.attempts) task.attempts = Math.max(task.attempts || 0, data.attempts);
			if (data.error) task.error = data.error;
			if (status === "skipped") task.error = { code: "skipped", message: data.reason || "skipped" };
			said = "Subtask " + data.id + " " + status;
			break;
		}
		case "run.completed":
			run.status = "complete";
			run.result = data.result;
			said = "Run complete: the answer is ready";
			break;
		case "run.errored":
			run.status = "errored";
			run.error = data.error;
			said = "Run errored: " + (data.error ? data.error.message : "");
			break;
	}
	if (said) announce(said);
	if (isTerminal(run.status)) closeEvents();
	render();
	refresh(300);
}

/** Re-reads GET /:id after delayMs (one read per burst of events) to fill in outputs and usage. */
function refresh(delayMs) {
	clearTimeout(view.refreshTimer);
	view.refreshTimer = setTimeout(async () => {
		const id = view.id;
		const seen = view.eventsSinceFetch;
		try {
			const fresh = await api("GET", "/" + id);
			if (view.id !== id || !view.run) return;
			mergeRun(fresh, view.eventsSinceFetch !== seen);
			view.eventsSinceFetch = 0;
			render();
		} catch (error) {
			if (view.id === id) showError($("run-error"), error);
		}
	}, delayMs);
}

/** Takes a fresh status; when events arrived during the read, keeps whatever they moved further. */
function mergeRun(fresh, eventsArrived) {
	const old = view.run;
	if (eventsArrived) {
		if (isTerminal(old.status) && !isTerminal(fresh.status)) fresh.status = old.status;
		for (const task of fresh.subtasks) {
			const local = old.subtasks.find((t) => t.id === task.id);
			if (local && SUBTASK_RANK[local.status] > SUBTASK_RANK[task.status]) task.status = local.status;
		}
	}
	const wasOver = isTerminal(old.status);
	view.run = fresh;
	if (isTerminal(fresh.status)) {
		closeEvents();
		if (!wasOver) loadRuns(true);
	}
}
`;
