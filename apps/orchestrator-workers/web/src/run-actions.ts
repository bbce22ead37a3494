/** The open run's buttons: cancel it, approve or reject its plan. */
import { api } from "./api";
import { announce, byId } from "./dom";
import type { ViewRun } from "./run-events";
import { adoptRun, hideRunError, refresh, render, showRunError } from "./run-view";
import { view } from "./view-state";

const el = {
	cancel: byId("cancel-run", HTMLButtonElement),
	approve: byId("approve-plan-button", HTMLButtonElement),
	reject: byId("reject-plan-button", HTMLButtonElement),
	reason: byId("reject-reason", HTMLTextAreaElement),
};

/**
 * Runs a lifecycle call from a button; its answer is the run's new status. A plan decision hides the
 * approval panel at once: the run still says "waiting" until the Workflow has taken the decision.
 */
async function act(
	button: HTMLButtonElement,
	method: string,
	path: string,
	body: unknown,
	said: string,
	decides: boolean,
) {
	const id = view.id;
	button.disabled = true;
	hideRunError();
	try {
		const fresh = await api<ViewRun>(method, path, body);
		if (view.id !== id) return;
		announce(said);
		if (decides) view.decided = true;
		adoptRun(fresh, true);
		render();
		refresh(500);
	} catch (error) {
		if (view.id === id) showRunError(error);
	} finally {
		button.disabled = false;
	}
}

export function wireRunActions(): void {
	el.cancel.addEventListener(
		"click",
		() => void act(el.cancel, "DELETE", `/${view.id}`, undefined, "Run cancelled", false),
	);
	el.approve.addEventListener(
		"click",
		() => void act(el.approve, "POST", `/${view.id}/approve`, { approved: true }, "Plan approved", true),
	);
	el.reject.addEventListener("click", () => {
		const reason = el.reason.value.trim();
		const body = reason ? { approved: false, reason } : { approved: false };
		void act(el.reject, "POST", `/${view.id}/approve`, body, "Plan rejected", true);
	});
}
