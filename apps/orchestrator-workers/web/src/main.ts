/**
 * The web page's script, bundled to `/ui/app.js` and loaded with `defer`: the page is parsed when it
 * runs. Each panel module finds its elements when imported (a missing one fails here, at start-up);
 * this module wires their controls, opens the run named in the address bar's hash (a reload reopens
 * it) and loads the runs list.
 */
import { wireAnswerPanel } from "./answer-panel";
import { wireApiKeyPanel } from "./api-key-panel";
import { runIdFromHash } from "./format";
import { wireNewRunForm } from "./new-run-form";
import { wireRunActions } from "./run-actions";
import { openRun } from "./run-view";
import { loadRuns, wireRunsList } from "./runs-list";
import { view } from "./view-state";

wireApiKeyPanel();
wireNewRunForm();
wireRunActions();
wireAnswerPanel();
wireRunsList();

window.addEventListener("hashchange", () => {
	const id = runIdFromHash(location.hash);
	if (id && id !== view.id) void openRun(id, true);
});

const initial = runIdFromHash(location.hash);
if (initial) void openRun(initial, false);
void loadRuns(true);
