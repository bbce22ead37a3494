/**
 * The run's budget, live ("Budget: 5200 of 9500 tokens spent, 4200 reserved by calls in flight"), what
 * to do when the run waits for a larger one, and the plan's estimate beside the plan (before an
 * approval, too).
 */
import { byId } from "./dom";
import { budgetText, estimateText } from "./format";
import type { ViewRun } from "./run-events";

const el = { budget: byId("run-budget", HTMLElement), estimate: byId("plan-estimate", HTMLElement) };

export function renderBudget(run: ViewRun | null): void {
	el.budget.textContent = run ? budgetText(run) : "";
	el.budget.hidden = !el.budget.textContent;
	el.estimate.textContent = run ? estimateText(run.estimate) : "";
	el.estimate.hidden = !el.estimate.textContent;
}
