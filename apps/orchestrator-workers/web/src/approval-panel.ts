/** The plan-approval panel, shown while the run waits for a decision the user has not sent yet. */
import { byId } from "./dom";
import type { ViewRun } from "./run-events";

const panel = byId("approval", HTMLElement);

export function renderApproval(run: ViewRun | null, decided: boolean): void {
	panel.hidden = run?.status !== "waiting" || run.waitingFor === "budget" || decided;
}
