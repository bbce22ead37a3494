/** One subtask's card: built once per subtask and updated in place, so focus and scrolling survive updates. */
import { h, setStatus, urlLink } from "./dom";
import { ensembleView } from "./ensemble-view";
import type { ViewSubtask } from "./run-events";

interface CardParts {
	card: HTMLElement;
	title: HTMLElement;
	status: HTMLElement;
	attempts: HTMLElement;
	where: HTMLElement;
	output: HTMLElement;
	error: HTMLElement;
	ensemble: HTMLElement;
}

/** The open run's cards by subtask id. */
const cards = new Map<string, CardParts>();

/** Forgets the cards of the previous run. */
export const clearCards = (): void => cards.clear();

function buildCard(task: ViewSubtask): CardParts {
	const headingId = `subtask-${task.id}-title`;
	const parts = {
		title: h("h4", { id: headingId }),
		status: h("span", { className: "status" }),
		attempts: h("dd"),
		where: h("dd"),
		output: h("pre", { tabindex: "0", "aria-label": `Output of subtask ${task.id}`, hidden: true }),
		error: h("p", { className: "subtask-error", hidden: true }),
		ensemble: h("section", { className: "ensemble", "aria-label": `Ensemble of subtask ${task.id}`, hidden: true }),
	};
	const cardAttrs = { id: `subtask-${task.id}`, className: "card", tabindex: "-1", "aria-labelledby": headingId };
	const card = h("article", cardAttrs, [
		parts.title,
		h("dl", {}, [
			h("dt", { text: "Id" }),
			h("dd", {}, [h("code", { text: task.id })]),
			h("dt", { text: "Executor" }),
			parts.where,
			h("dt", { text: "State" }),
			h("dd", {}, [parts.status]),
			h("dt", { text: "Attempts" }),
			parts.attempts,
		]),
		parts.error,
		parts.output,
		parts.ensemble,
	]);
	h("li", {}, [card]);
	return { card, ...parts };
}

/** The card of `task`, current; its list item is the card's parent. */
export function renderCard(task: ViewSubtask): HTMLElement {
	let parts = cards.get(task.id);
	if (!parts) {
		parts = buildCard(task);
		cards.set(task.id, parts);
	}
	parts.title.textContent = task.title;
	parts.where.replaceChildren(task.executor, task.url ? " · " : "", task.url ? urlLink(task.url) : "");
	setStatus(parts.status, task.status);
	parts.card.className = `card card-${task.status}`;
	parts.attempts.textContent = String(task.attempts || 0);
	const error = task.error || (task.status === "running" ? task.retryError : null);
	parts.error.hidden = !error;
	parts.error.textContent = error
		? `${task.status === "running" ? "Last attempt failed, retrying: " : "Error: "}${error.message}`
		: "";
	parts.output.hidden = !task.output;
	parts.output.textContent = task.output || "";
	renderEnsemble(parts.ensemble, task);
	return parts.card;
}

/** An ensemble's samples side by side (a vote), or a row of answers per round (a debate). */
function renderEnsemble(node: HTMLElement, task: ViewSubtask): void {
	const view = ensembleView(task.ensemble);
	node.hidden = !view;
	if (!view) return node.replaceChildren();
	node.replaceChildren(
		h("p", { className: "ensemble-summary", text: view.summary }),
		...view.rows.map((row) =>
			h("div", { className: "ensemble-row" }, [
				h("h5", { text: row.label }),
				h(
					"div",
					{ className: "ensemble-answers" },
					row.answers.map((a) =>
						h("figure", { className: `ensemble-answer${a.agreed ? " agreed" : ""}${a.failed ? " failed" : ""}` }, [
							h("figcaption", { text: a.heading }),
							h("pre", { tabindex: "0", text: a.text }),
						]),
					),
				),
			]),
		),
	);
}
