/** The list of past runs (`GET /runs`, paged with a cursor and filtered by status). */
import type { RunState } from "@ow/schemas";
import { api } from "./api";
import { byId, h, setStatus } from "./dom";
import { hideError, showError } from "./error-box";
import { formatTime, runsTotalText, shortPrompt } from "./format";
import { view } from "./view-state";

const PAGE_SIZE = 20;

/** One run of `GET /runs`, as far as the list shows it. */
interface RunSummary {
	id: string;
	prompt: string;
	status: RunState;
	createdAt: string;
}
interface RunsPage {
	runs: RunSummary[];
	nextCursor: string | null;
	total: number;
}

const el = {
	list: byId("runs-list", HTMLUListElement),
	status: byId("runs-status", HTMLSelectElement),
	error: byId("runs-error", HTMLElement),
	more: byId("runs-more", HTMLButtonElement),
	refresh: byId("runs-refresh", HTMLButtonElement),
	total: byId("runs-total", HTMLElement),
};
const paging: { cursor: string | null; loading: Promise<void> | null } = { cursor: null, loading: null };

/** Loads the first page of runs (reset) or the next one; one load at a time, and a reset wins. */
export function loadRuns(reset: boolean): Promise<void> {
	if (paging.loading && !reset) return paging.loading;
	const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
	if (el.status.value) params.set("status", el.status.value);
	if (!reset && paging.cursor) params.set("cursor", paging.cursor);
	const load: Promise<void> = api<RunsPage>("GET", `/runs?${params}`)
		.then((page) => {
			if (paging.loading !== load) return;
			hideError(el.error);
			const items = page.runs.map(runItem);
			if (reset) el.list.replaceChildren(...items);
			else el.list.append(...items);
			paging.cursor = page.nextCursor;
			el.more.hidden = !page.nextCursor;
			el.total.textContent = runsTotalText(page.total);
			if (page.total === 0) el.list.replaceChildren(h("li", { text: "No runs yet." }));
			markCurrentRun();
		})
		.catch((error: unknown) => {
			if (paging.loading === load) showError(el.error, error);
		})
		.finally(() => {
			if (paging.loading === load) paging.loading = null;
		});
	paging.loading = load;
	return load;
}

function runItem(run: RunSummary): HTMLLIElement {
	const status = h("span", { className: "status" });
	setStatus(status, run.status);
	return h("li", { "data-run": run.id }, [
		h("a", { href: `#${run.id}`, title: run.id, text: shortPrompt(run.prompt) || run.id }),
		status,
		h("time", { datetime: run.createdAt, text: formatTime(run.createdAt) }),
	]);
}

/** Marks the open run in the list (aria-current), and keeps its status badge current. */
export function markCurrentRun(): void {
	for (const item of el.list.children) {
		const link = item.querySelector("a");
		if (!link || !(item instanceof HTMLElement)) continue;
		const current = item.dataset.run === view.id;
		if (current) link.setAttribute("aria-current", "true");
		else link.removeAttribute("aria-current");
		const badge = item.querySelector<HTMLElement>(".status");
		if (current && view.run && badge) setStatus(badge, view.run.status);
	}
}

export function wireRunsList(): void {
	el.more.addEventListener("click", () => void loadRuns(false));
	el.refresh.addEventListener("click", () => void loadRuns(true));
	el.status.addEventListener("change", () => void loadRuns(true));
}
