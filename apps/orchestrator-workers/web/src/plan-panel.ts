/** The plan: one card per subtask, in the plan's order, or a note while the planner works. */
import { byId } from "./dom";
import type { ViewSubtask } from "./run-events";
import { clearCards, renderCard } from "./subtask-card";

const el = { empty: byId("plan-empty", HTMLElement), list: byId("subtasks", HTMLOListElement) };

export function resetPlan(): void {
	clearCards();
	el.list.replaceChildren();
	el.empty.hidden = false;
}

export function renderPlan(subtasks: readonly ViewSubtask[]): void {
	el.empty.hidden = subtasks.length > 0;
	subtasks.forEach((task, i) => {
		const item = renderCard(task).parentNode;
		if (item && el.list.children[i] !== item) el.list.insertBefore(item, el.list.children[i] ?? null);
	});
	while (el.list.children.length > subtasks.length) el.list.lastElementChild?.remove();
}
