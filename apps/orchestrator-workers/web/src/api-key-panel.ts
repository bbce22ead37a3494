/** The API key panel: use a key (and read the open run and the list again with it), or forget it. */
import { apiKey, setApiKey } from "./api-key";
import { announce, byId } from "./dom";
import { openRun } from "./run-view";
import { loadRuns } from "./runs-list";
import { view } from "./view-state";

const el = {
	form: byId("api-key-form", HTMLFormElement),
	key: byId("api-key", HTMLInputElement),
	forget: byId("api-key-forget", HTMLButtonElement),
};

export function wireApiKeyPanel(): void {
	el.key.value = apiKey();
	el.form.addEventListener("submit", (event) => {
		event.preventDefault();
		setApiKey(el.key.value.trim());
		announce(apiKey() ? "API key saved for this tab" : "API key cleared");
		if (view.id) void openRun(view.id, false);
		void loadRuns(true);
	});
	el.forget.addEventListener("click", () => {
		el.key.value = "";
		setApiKey("");
		announce("API key cleared");
	});
}
