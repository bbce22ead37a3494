/** The run panel's header: prompt, status, usage, the demo-model badge, the cancel button and the failure. */
import { byId, h, setStatus } from "./dom";
import { hideError, showError } from "./error-box";
import { isTerminal, usageText } from "./format";
import type { ViewRun } from "./run-events";

const el = {
	id: byId("run-id", HTMLElement),
	prompt: byId("run-prompt", HTMLElement),
	status: byId("run-status", HTMLElement),
	usage: byId("run-usage", HTMLElement),
	demo: byId("run-demo", HTMLElement),
	provenance: byId("run-provenance", HTMLElement),
	cancel: byId("cancel-run", HTMLButtonElement),
	failure: byId("run-failure", HTMLElement),
};

/** The header of a run that is being read: its id and a "loading" status, nothing else. */
export function resetRunHeader(id: string): void {
	el.id.textContent = id;
	el.prompt.textContent = "";
	el.usage.textContent = "";
	el.provenance.replaceChildren();
	el.demo.hidden = true;
	el.cancel.hidden = true;
	setStatus(el.status, "loading");
	hideError(el.failure);
}

export function renderRunHeader(run: ViewRun): void {
	el.prompt.textContent = run.prompt || "";
	setStatus(el.status, run.status);
	// Live: every step adds its usage as it ends (run.usage events bring a re-read of the status).
	el.usage.textContent = run.usage && run.usage.calls > 0 ? usageText(run.usage, run.cost) : "";
	// The demo model (picked by nx dev when no model is set up) must never pass for a real one.
	el.demo.hidden = run.models?.provider !== "demo";
	el.provenance.replaceChildren(...provenanceNodes(run));
	el.cancel.hidden = isTerminal(run.status);
	if (run.error) showError(el.failure, `The run failed: ${run.error.message} (${run.error.code})`);
	else hideError(el.failure);
}

/** The caller's labels as chips, then what ran the run: deployment version, prompt version, models. */
function provenanceNodes(run: ViewRun): Node[] {
	const labels = Object.entries(run.labels).sort(([a], [b]) => (a < b ? -1 : 1));
	const models = run.models ? `${run.models.big} / ${run.models.small}` : "";
	return [
		...labels.map(([key, value]) => h("span", { className: "label", title: `label ${key}`, text: `${key}=${value}` })),
		h("span", { text: `deployment ${run.deploymentVersion} · prompts ${run.promptVersion} · ${models}` }),
	];
}
