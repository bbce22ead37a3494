/**
 * The open run: `GET /:id` renders what already happened, then `GET /:id/events` (EventSource) moves
 * the run and its subtasks on live. Events do not carry outputs, so each burst of events is followed by
 * one `GET /:id` that fills them in.
 */
import type { ProgressEvent } from "@ow/schemas";
import { api } from "./api";
import { apiKey } from "./api-key";
import { onSynthesisText, renderAnswer, resetStreamedAnswer } from "./answer-panel";
import { renderApproval } from "./approval-panel";
import { renderBudget } from "./budget-panel";
import { announce, byId } from "./dom";
import { hideError, showError } from "./error-box";
import { isTerminal } from "./format";
import { renderPlan, resetPlan } from "./plan-panel";
import { renderRunHeader, resetRunHeader } from "./run-header";
import { FOLLOWED_EVENTS, applyEvent, mergeRun, type ViewRun } from "./run-events";
import { loadRuns, markCurrentRun } from "./runs-list";
import { renderTimeline, resetTimeline } from "./timeline-panel";
import { view } from "./view-state";

const el = {
	panel: byId("run", HTMLElement),
	heading: byId("run-heading", HTMLElement),
	error: byId("run-error", HTMLElement),
};

/** The live connection and the re-read it schedules; private to this module. */
const live: {
	source: EventSource | null;
	early: ProgressEvent[];
	refreshTimer: ReturnType<typeof setTimeout> | undefined;
	eventsSinceFetch: number;
} = { source: null, early: [], refreshTimer: undefined, eventsSinceFetch: 0 };

/** Renders the open run in every panel. */
export function render(): void {
	const run = view.run;
	if (!run) return;
	renderRunHeader(run);
	renderApproval(run, view.decided);
	renderBudget(run);
	renderPlan(run.subtasks);
	renderAnswer(run.result);
	void renderTimeline(run.id);
	markCurrentRun();
}

/** Shows an error of the open run's calls (reading it, cancelling it, deciding its plan). */
export const showRunError = (error: unknown): void => showError(el.error, error);
export const hideRunError = (): void => hideError(el.error);

/** Shows run `id`: reads its status, renders it, and follows its events until it ends. */
export async function openRun(id: string, focus: boolean): Promise<void> {
	closeEvents();
	clearTimeout(live.refreshTimer);
	view.id = id;
	view.run = null;
	view.decided = false;
	live.early = [];
	if (location.hash !== `#${id}`) location.hash = id;
	el.panel.hidden = false;
	resetRunHeader(id);
	resetTimeline();
	resetPlan();
	resetStreamedAnswer();
	renderAnswer(null);
	renderApproval(null, false);
	renderBudget(null);
	hideRunError();
	markCurrentRun();
	if (focus) el.heading.focus();
	// The stream opens alongside the status read; events that arrive first wait for it.
	followEvents(id);
	try {
		const run = await api<ViewRun>("GET", `/${id}`);
		if (view.id !== id) return;
		view.run = run;
		render();
		// A finished run's status is complete: its replayed events add nothing.
		if (isTerminal(run.status)) closeEvents();
		else for (const event of live.early.splice(0)) onEvent(event);
	} catch (error) {
		if (view.id !== id) return;
		closeEvents();
		showRunError(error);
	}
}

function followEvents(id: string): void {
	// EventSource cannot send headers: the key goes in the query, the one place the API reads it there.
	const key = apiKey();
	const source = new EventSource(`/${id}/events${key ? `?access_token=${encodeURIComponent(key)}` : ""}`);
	live.source = source;
	for (const type of FOLLOWED_EVENTS) {
		source.addEventListener(type, (message) => {
			if (live.source !== source) return;
			onEvent(JSON.parse(message.data) as ProgressEvent);
		});
	}
	// The answer as it is written: shown at once, without a status read per delta.
	for (const type of ["synthesis.delta", "synthesis.reset"]) {
		source.addEventListener(type, (message) => {
			if (live.source !== source) return;
			onSynthesisText(JSON.parse(message.data) as ProgressEvent, view.run?.result ?? null);
		});
	}
	source.addEventListener("error", () => {
		// CONNECTING: the browser reconnects by itself with Last-Event-ID. CLOSED: the server said the run
		// is over (204) or refused; the status read tells which.
		if (live.source === source && source.readyState === EventSource.CLOSED) {
			closeEvents();
			refresh(0);
		}
	});
}

function closeEvents(): void {
	live.source?.close();
	live.source = null;
}

/** Applies one progress event to the open run, then renders it and schedules a re-read. */
function onEvent(event: ProgressEvent): void {
	if (event.runId !== view.id) return;
	const run = view.run;
	if (!run) {
		live.early.push(event);
		return;
	}
	live.eventsSinceFetch += 1;
	const said = applyEvent(run, event, view);
	if (said) announce(said);
	if (isTerminal(run.status)) closeEvents();
	render();
	refresh(300);
}

/** Re-reads `GET /:id` after `delayMs` (one read per burst of events) to fill in outputs and usage. */
export function refresh(delayMs: number): void {
	clearTimeout(live.refreshTimer);
	live.refreshTimer = setTimeout(async () => {
		const id = view.id;
		if (id === null) return;
		const seen = live.eventsSinceFetch;
		try {
			const fresh = await api<ViewRun>("GET", `/${id}`);
			if (view.id !== id || !view.run) return;
			adoptRun(fresh, live.eventsSinceFetch !== seen);
			live.eventsSinceFetch = 0;
			render();
		} catch (error) {
			if (view.id === id) showRunError(error);
		}
	}, delayMs);
}

/** Takes a fresh status of the open run (see `mergeRun`); a run that just ended refreshes the runs list. */
export function adoptRun(fresh: ViewRun, eventsArrived: boolean): void {
	const old = view.run;
	if (!old) return;
	view.run = mergeRun(old, fresh, eventsArrived);
	if (isTerminal(view.run.status)) {
		closeEvents();
		if (!isTerminal(old.status)) void loadRuns(true);
	}
}
