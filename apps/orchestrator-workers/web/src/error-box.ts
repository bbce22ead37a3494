/** The page's alert boxes: an error's message and the request's issues as a list. */
import { h } from "./dom";
import { describeError } from "./format";

/** Shows an error (an ApiError, an Error or a string) in `box`. */
export function showError(box: HTMLElement, error: unknown): void {
	const { message, issues } = describeError(error);
	box.replaceChildren(h("p", { text: message }));
	if (issues.length > 0)
		box.append(
			h(
				"ul",
				{},
				issues.map((issue) => h("li", { text: issue })),
			),
		);
	box.hidden = false;
}

export function hideError(box: HTMLElement): void {
	box.hidden = true;
	box.replaceChildren();
}
