/** The answer and its references; a reference moves focus to its subtask's card. */
import { byId, h, urlLink } from "./dom";
import { nextStreamedText } from "./format";
import type { ViewRun } from "./run-events";

const el = {
	result: byId("result", HTMLElement),
	answer: byId("answer", HTMLElement),
	references: byId("references", HTMLUListElement),
};

/** The answer as the synthesis writes it (synthesis.delta), until the run's result replaces it. */
let streamed = "";

/** Forgets the text streamed for the run shown before. */
export function resetStreamedAnswer(): void {
	streamed = "";
}

/**
 * Shows the answer while it is written: a delta adds text, a reset (a retried synthesis) starts over.
 * Once the run has its result, that is what the panel shows.
 */
export function onSynthesisText(
	event: { type: string; data: Record<string, unknown> },
	result: ViewRun["result"],
): void {
	streamed = nextStreamedText(streamed, event);
	if (!result) renderAnswer(null);
}

export function renderAnswer(result: ViewRun["result"]): void {
	if (!result && streamed !== "") {
		el.result.hidden = false;
		el.answer.textContent = streamed;
		el.references.replaceChildren(h("li", { text: "Writing the answer…" }));
		return;
	}
	el.result.hidden = !result;
	if (!result) return;
	el.answer.textContent = result.answer;
	const items = result.references.map((ref) =>
		h("li", {}, [
			ref.subtaskId
				? h("span", {}, [
						"Subtask ",
						h("a", { href: `#subtask-${ref.subtaskId}`, "data-subtask": ref.subtaskId, text: ref.subtaskId }),
					])
				: "A source outside the subtasks",
			ref.url ? ": " : "",
			ref.url ? urlLink(ref.url) : "",
		]),
	);
	el.references.replaceChildren(...(items.length > 0 ? items : [h("li", { text: "No references." })]));
}

/** Subtask links move focus to the card; they must not replace the run id in the address bar. */
export function wireAnswerPanel(): void {
	el.references.addEventListener("click", (event) => {
		const link = event.target instanceof Element ? event.target.closest<HTMLElement>("a[data-subtask]") : null;
		if (!link) return;
		event.preventDefault();
		const card = document.getElementById(`subtask-${link.dataset.subtask}`);
		if (card) {
			card.scrollIntoView({ block: "center" });
			card.focus();
		}
	});
}
