/**
 * Browser JavaScript, part 4 of 4: the new-run form, the list of past runs, and start-up (the run id
 * in the address bar's hash reopens that run after a reload).
 */

/** The form (`POST /`), the runs list (`GET /runs`, paged with a cursor) and boot. */
export const CLIENT_RUNS = String.raw`
const PAGE_SIZE = 20;
const runsList = { cursor: null, loading: null };

$("run-form").addEventListener("submit", async (event) => {
	event.preventDefault();
	const box = $("form-error");
	const button = $("start-run");
	hideError(box);
	const options = {
		failurePolicy: $("failure-policy").value,
		allowBrowser: $("allow-browser").checked,
		approvePlan: $("approve-plan").checked,
	};
	const max = $("max-subtasks").value.trim();
	if (max !== "") options.maxSubtasks = Number(max);
	const maxTokens = $("max-tokens").value.trim();
	if (maxTokens !== "") options.budget = { maxTokens: Number(maxTokens) };
	button.disabled = true;
	$("run-form").setAttribute("aria-busy", "true");
	try {
		const started = await api("POST", "/", { prompt: $("prompt").value, options });
		announce("Run " + started.id + " started");
		openRun(started.id, true);
		loadRuns(true);
	} catch (error) {
		showError(box, error);
		$("prompt").focus();
	} finally {
		button.disabled = false;
		$("run-form").removeAttribute("aria-busy");
	}
});

/** Loads the first page of runs (reset) or the next one; one load at a time. */
function loadRuns(reset) {
	if (runsList.loading && !reset) return runsList.loading;
	const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
	const status = $("runs-status").value;
	if (status) params.set("status", status);
	if (!reset && runsList.cursor) params.set("cursor", runsList.cursor);
	const load = api("GET", "/runs?" + params)
		.then((page) => {
			if (runsList.loading !== load) return;
			hideError($("runs-error"));
			const items = page.runs.map(runItem);
			if (reset) $("runs-list").replaceChildren(...items);
			else $("runs-list").append(...items);
			runsList.cursor = page.nextCursor;
			$("runs-more").hidden = !page.nextCursor;
			$("runs-total").textContent = page.total === 1 ? "1 run" : page.total + " runs";
			if (page.total === 0) $("runs-list").replaceChildren(h("li", { text: "No runs yet." }));
			markCurrentRun();
		})
		.catch((error) => {
			if (runsList.loading === load) showError($("runs-error"), error);
		})
		.finally(() => {
			if (runsList.loading === load) runsList.loading = null;
		});
	runsList.loading = load;
	return load;
}

function runItem(run) {
	const prompt = run.prompt.length > 120 ? run.prompt.slice(0, 119) + "…" : run.prompt;
	const status = h("span", { className: "status" });
	setStatus(status, run.status);
	return h("li", { "data-run": run.id }, [
		h("a", { href: "#" + run.id, title: run.id, text: prompt || run.id }),
		status,
		h("time", { datetime: run.createdAt, text: formatTime(run.createdAt) }),
	]);
}

/** Marks the open run in the list (aria-current), and keeps its status badge current. */
function markCurrentRun() {
	for (const item of $("runs-list").children) {
		const link = item.querySelector("a");
		if (!link) continue;
		const current = item.dataset.run === view.id;
		if (current) link.setAttribute("aria-current", "true");
		else link.removeAttribute("aria-current");
		if (current && view.run) setStatus(item.querySelector(".status"), view.run.status);
	}
}

$("api-key").value = apiKey();
$("api-key-form").addEventListener("submit", (event) => {
	event.preventDefault();
	setApiKey($("api-key").value.trim());
	announce(apiKey() ? "API key saved for this tab" : "API key cleared");
	if (view.id) openRun(view.id, false);
	loadRuns(true);
});
$("api-key-forget").addEventListener("click", () => {
	$("api-key").value = "";
	setApiKey("");
	announce("API key cleared");
});

$("runs-more").addEventListener("click", () => loadRuns(false));
$("runs-refresh").addEventListener("click", () => loadRuns(true));
$("runs-status").addEventListener("change", () => loadRuns(true));

function runIdFromHash() {
	const match = /^#(run_[0-9a-z]+)$/.exec(location.hash);
	return match ? match[1] : null;
}

window.addEventListener("hashchange", () => {
	const id = runIdFromHash();
	if (id && id !== view.id) openRun(id, true);
});

const initial = runIdFromHash();
if (initial) openRun(initial, false);
loadRuns(true);
`;
