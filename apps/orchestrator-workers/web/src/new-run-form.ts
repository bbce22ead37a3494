/** The new-run form: `POST /` with the prompt and options, then the new run opens. */
import type { RunOptions } from "@ow/schemas";
import { api } from "./api";
import { announce, byId } from "./dom";
import { hideError, showError } from "./error-box";
import { openRun } from "./run-view";
import { loadRuns } from "./runs-list";

const el = {
	form: byId("run-form", HTMLFormElement),
	prompt: byId("prompt", HTMLTextAreaElement),
	maxSubtasks: byId("max-subtasks", HTMLInputElement),
	maxTokens: byId("max-tokens", HTMLInputElement),
	failurePolicy: byId("failure-policy", HTMLSelectElement),
	allowBrowser: byId("allow-browser", HTMLInputElement),
	approvePlan: byId("approve-plan", HTMLInputElement),
	start: byId("start-run", HTMLButtonElement),
	error: byId("form-error", HTMLElement),
};

/** The options as the form sets them; the server checks them (a bad value comes back as a 400 with issues). */
function formOptions(): Partial<Record<keyof RunOptions, unknown>> {
	const options: Partial<Record<keyof RunOptions, unknown>> = {
		failurePolicy: el.failurePolicy.value,
		allowBrowser: el.allowBrowser.checked,
		approvePlan: el.approvePlan.checked,
	};
	const max = el.maxSubtasks.value.trim();
	if (max !== "") options.maxSubtasks = Number(max);
	const maxTokens = el.maxTokens.value.trim();
	if (maxTokens !== "") options.budget = { maxTokens: Number(maxTokens) };
	return options;
}

export function wireNewRunForm(): void {
	el.form.addEventListener("submit", async (event) => {
		event.preventDefault();
		hideError(el.error);
		el.start.disabled = true;
		el.form.setAttribute("aria-busy", "true");
		try {
			const started = await api<{ id: string }>("POST", "/", { prompt: el.prompt.value, options: formOptions() });
			announce(`Run ${started.id} started`);
			void openRun(started.id, true);
			void loadRuns(true);
		} catch (error) {
			showError(el.error, error);
			el.prompt.focus();
		} finally {
			el.start.disabled = false;
			el.form.removeAttribute("aria-busy");
		}
	});
}
