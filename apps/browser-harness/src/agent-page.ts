/**
 * `AgentPage` over a guarded puppeteer page of an agent session: observing marks elements with
 * references, acting uses real input events (mouse clicks, inserted text) so the page's own scripts
 * see what a person would do. Each action re-checks the page-side rules and reads what the request
 * guard saw while it ran: a main-frame navigation to another origin or a refused address was
 * stopped (refused), a download was blocked (refused), a document came from a private address
 * (the browse fails with `url-refused`). New windows are closed and dialogs dismissed, so neither
 * can hang the loop.
 */
import type { Dialog, HTTPResponse, Page, Target } from "@cloudflare/puppeteer";
import { AGENT_LIMITS, type AgentAction, type AgentPageView, type AgentStep } from "@ow/schemas";
import { z } from "zod";
import { observeScript, prepareScript, type Preparation, MAX_NAME_CHARS, MAX_VALUE_CHARS } from "./agent-scripts";
import { withTimeout } from "./browser-client";
import { BrowserHarnessError } from "./errors";
import { tidyText, truncateText } from "./page-content";
import { assertPublicResponse, type OpenedPage, type RequestGuard } from "./page-reader";
import type { UrlPolicy } from "./url-safety";

/** The page as the model sees it. */
export type PageView = AgentPageView;

/** How performing an action went, and the writing requests (`METHOD url`) the page sent meanwhile. */
export interface ActOutcome {
	outcome: AgentStep["outcome"];
	detail: string | null;
	sent: string[];
}

/** A page an agent session drives; `createAgentPage` implements it over puppeteer. */
export interface AgentPage {
	observe(): Promise<PageView>;
	/** Performs a checked action (`target`: navigate's resolved URL). Refuses what the page-side checks catch. */
	perform(action: AgentAction, target: URL | null): Promise<ActOutcome>;
	/** The next element reference this page would hand out (kept by the session between steps). */
	nextRef(): number;
}

/** Options of `createAgentPage`. */
export interface AgentPageOptions {
	/** Epoch ms by which everything must be done. */
	deadline: number;
	policy: UrlPolicy;
	/** The session's reference attribute, and the next reference to hand out. */
	attr: string;
	nextRef: number;
	now?: () => number;
}

/** Longest single in-page step (an evaluate, a click). */
const STEP_MS = 10_000;
/** Longest wait for the page to settle after an action (network idle, then a parsed document). */
const SETTLE_MS = 5_000;
/** No network traffic for this long counts as settled. */
const IDLE_MS = 300;

const observedSchema = z.object({
	title: z.string().transform((s) => s.slice(0, 300)),
	elements: z
		.array(
			z.object({
				ref: z.string().regex(/^e\d{1,6}$/),
				role: z.string().transform((s) => s.slice(0, 40)),
				name: z.string().transform((s) => s.slice(0, MAX_NAME_CHARS)),
				tag: z.string().transform((s) => s.slice(0, 40)),
				inputType: z
					.string()
					.nullable()
					.transform((s) => s?.slice(0, 40) ?? null),
				value: z
					.string()
					.nullable()
					.transform((s) => s?.slice(0, MAX_VALUE_CHARS) ?? null),
			}),
		)
		.transform((list) => list.slice(0, AGENT_LIMITS.maxElements)),
	text: z.string(),
	totalChars: z.number(),
	nextRef: z.int().min(1),
});

const preparedSchema = z.object({ ok: z.boolean(), reason: z.string().nullable() });

/** Makes the loop's page out of an opened page. */
export function createAgentPage(opened: OpenedPage, options: AgentPageOptions): AgentPage {
	const { page, guard } = opened;
	const now = options.now ?? Date.now;
	// A per-session attribute name: a page cannot plant references the agent would trust.
	const { attr } = options;
	let nextRef = options.nextRef;
	const events: string[] = [];
	const budget = (cap: number) => Math.max(1, Math.min(cap, options.deadline - now()));

	opened.context.on("targetcreated", (target: Target) => void closePopup(target, page, events));
	page.on("dialog", (dialog: Dialog) => void answerDialog(dialog, events));

	const evaluate = async (script: string, what: string): Promise<unknown> => {
		try {
			return await withTimeout(page.evaluate(script), budget(STEP_MS), what);
		} catch (error) {
			// A navigation the last action started can replace the document under us: wait, then once more.
			if (!/Execution context was destroyed|Cannot find context|detached/i.test(String(error))) throw error;
			await settle(page, budget(SETTLE_MS));
			return await withTimeout(page.evaluate(script), budget(STEP_MS), what);
		}
	};

	const prepare = async (ref: string | null, preparation: Preparation) => {
		const parsed = preparedSchema.safeParse(
			await evaluate(prepareScript(attr, ref, preparation), "preparing the action"),
		);
		if (!parsed.success)
			throw new BrowserHarnessError("internal", "the page answered the action script in an unexpected shape");
		return parsed.data;
	};

	const act = async (action: AgentAction, target: URL | null): Promise<Omit<ActOutcome, "sent">> => {
		switch (action.type) {
			case "click": {
				const ready = await prepare(action.ref, { op: "click" });
				if (!ready.ok) return { outcome: "refused", detail: ready.reason };
				const handle = await page.$(`[${attr}="${action.ref}"]`);
				if (!handle) return { outcome: "refused", detail: `${action.ref} is no longer on the page` };
				try {
					await withTimeout(handle.click(), budget(STEP_MS), "clicking");
				} catch (error) {
					return { outcome: "failed", detail: `the click did not land: ${messageOf(error)}` };
				} finally {
					await handle.dispose().catch(() => undefined); // gone with its document already
				}
				return { outcome: "ok", detail: null };
			}
			case "type": {
				const ready = await prepare(action.ref, { op: "type" });
				if (!ready.ok) return { outcome: "refused", detail: ready.reason };
				const text = action.text ?? "";
				await withTimeout(
					text === "" ? page.keyboard.press("Backspace") : page.keyboard.sendCharacter(text),
					budget(STEP_MS),
					"typing",
				);
				return { outcome: "ok", detail: null };
			}
			case "select": {
				const ready = await prepare(action.ref, { op: "select", option: action.text ?? "" });
				return { outcome: ready.ok ? "ok" : "refused", detail: ready.reason };
			}
			case "scroll": {
				const ready = await prepare(action.ref, { op: "scroll", up: action.text?.trim().toLowerCase() === "up" });
				return { outcome: ready.ok ? "ok" : "refused", detail: ready.reason };
			}
			case "navigate": {
				if (!target) return { outcome: "refused", detail: "navigate needs url" };
				try {
					await page.goto(target.href, { waitUntil: "domcontentloaded", timeout: budget(Number.POSITIVE_INFINITY) });
				} catch (error) {
					if (guard.download || guard.refused) return { outcome: "ok", detail: null }; // reported below
					return { outcome: "failed", detail: `${target.href.slice(0, 200)} did not load: ${messageOf(error)}` };
				}
				if (page.url().startsWith("chrome-error:")) {
					return { outcome: "failed", detail: `${target.href.slice(0, 200)} could not be displayed` };
				}
				return { outcome: "ok", detail: null };
			}
			case "extract":
			case "done":
				return { outcome: "ok", detail: null };
		}
	};

	return {
		async observe(): Promise<PageView> {
			const parsed = observedSchema.safeParse(await evaluate(observeScript(attr, nextRef), "observing the page"));
			if (!parsed.success) throw new BrowserHarnessError("internal", "the page could not be observed");
			const observed = parsed.data;
			nextRef = Math.max(nextRef, observed.nextRef);
			const { text } = truncateText(tidyText(observed.text), AGENT_LIMITS.maxTextChars, observed.totalChars);
			return { url: page.url(), title: observed.title, elements: observed.elements, text };
		},

		nextRef: () => nextRef,

		async perform(action, target): Promise<ActOutcome> {
			const before = page.url();
			const seenResponse = guard.lastResponse;
			guard.refused = null;
			guard.download = null;
			guard.sent.length = 0;
			events.length = 0;
			let outcome = await act(action, target);
			if (action.type !== "extract" && action.type !== "done") await settle(page, budget(SETTLE_MS));
			const loaded = guard.lastResponse !== seenResponse;
			if (loaded) assertPublicResponse(guard.lastResponse, page.url(), options.policy);
			const { download, refused } = guardSaw(guard);
			if (download) {
				outcome = { outcome: "refused", detail: `downloads are not allowed; ${download.slice(0, 200)} was blocked` };
			} else if (refused) {
				outcome = { outcome: "refused", detail: `the page tried to leave for a URL that is not allowed (${refused})` };
			} else if (outcome.outcome === "ok" && outcome.detail === null && (loaded || page.url() !== before)) {
				outcome = { outcome: "ok", detail: `now at ${page.url().slice(0, 200)}` };
			}
			if (events.length > 0) {
				const noted = events.join("; ");
				outcome = { ...outcome, detail: outcome.detail ? `${outcome.detail}; ${noted}` : noted };
			}
			return { ...outcome, sent: [...guard.sent] };
		},
	};
}

/** What the guard recorded while the action ran (a function, so the resets above do not narrow it). */
function guardSaw(guard: RequestGuard): { download: string | null; refused: string | null } {
	return { download: guard.download, refused: guard.refused };
}

/** Waits until the network has been idle briefly and the document is parsed, within `ms`. */
async function settle(page: Page, ms: number): Promise<void> {
	const started = Date.now();
	await page.waitForNetworkIdle({ idleTime: IDLE_MS, timeout: ms }).catch(() => {
		// Pages that keep polling never go idle; the document check below is what matters.
	});
	const left = Math.max(1, ms - (Date.now() - started));
	await page.waitForFunction('document.readyState !== "loading"', { timeout: left }).catch(() => {
		// Still loading after the budget: the next observation reads what is there.
	});
}

async function closePopup(target: Target, page: Page, events: string[]): Promise<void> {
	if (target.type() !== "page") return;
	try {
		const popup = await target.page();
		if (!popup || popup === page) return;
		events.push(`a new window (${target.url().slice(0, 100)}) was closed; the agent stays in one window`);
		await popup.close();
	} catch (error) {
		// The window closed itself first; there is nothing left to close.
		console.warn(JSON.stringify({ msg: "closing a popup failed", error: String(error) }));
	}
}

async function answerDialog(dialog: Dialog, events: string[]): Promise<void> {
	const answer = dialog.type() === "beforeunload" ? "accepted" : "dismissed";
	events.push(`a ${dialog.type()} dialog was ${answer}`);
	try {
		// beforeunload must be accepted or the navigation the agent asked for never happens.
		await (answer === "accepted" ? dialog.accept() : dialog.dismiss());
	} catch (error) {
		// The dialog went away with its page.
		console.warn(JSON.stringify({ msg: "answering a dialog failed", error: String(error) }));
	}
}

function messageOf(error: unknown): string {
	return (error instanceof Error ? error.message : String(error)).slice(0, 200);
}

/** The latest main-frame response, for the final page's block detection. */
export function lastStatus(opened: OpenedPage): number | null {
	const response: HTTPResponse | null = opened.guard.lastResponse ?? opened.response;
	return response?.status() ?? null;
}
