/**
 * The record of an agent session, kept by the pool's Durable Object across the caller's steps, and
 * the rules that read it. Pure, so tests drive it without a browser.
 *
 * - `AgentLeaseRecord`: one agent session: where it started, the session and page holding it, and
 *   its journal of actions.
 * - `JournalEntry`: action k: started (maybe performed) or finished (how it went, whether a rebuild
 *   may perform it again).
 * - `beginAct`: whether action k may be performed now, or was already (never twice).
 * - `replayVerdict`: whether an action may be performed again to rebuild a lost page.
 * - `rebuildPlan`: the recorded actions a rebuild performs, or the one that forbids the rebuild.
 */
import type { AgentAction, AgentStep } from "@ow/schemas";

/** The element an action was aimed at, as observed: a replay checks it meets the same one. */
export interface ActedElement {
	role: string;
	name: string;
}

/** Action k of an agent session. */
export interface JournalEntry {
	k: number;
	action: AgentAction;
	element: ActedElement | null;
	/** `started`: about to be performed, or performed with its outcome never recorded (in doubt). */
	state: "started" | "finished";
	/** How it went, once finished. */
	step: AgentStep | null;
	/** Whether a rebuild may perform it again, decided when it was performed. */
	replay: "safe" | "unsafe";
	/** Why it may not be replayed (e.g. `it sent POST /contact`); null when it may. */
	why: string | null;
}

/** One agent session as the pool's Durable Object keeps it. */
export interface AgentLeaseRecord {
	id: string;
	startUrl: string;
	/** Origins the agent may visit (the start URL's first). */
	origins: string[];
	/** Attribute name carrying element references in the page (per session, so a page cannot plant them). */
	attr: string;
	/** Next element reference to hand out. */
	nextRef: number;
	/** The pooled session holding the page, and the browser context the page lives in; null before the first load. */
	poolLeaseId: string | null;
	sessionId: string | null;
	contextId: string | null;
	/** Last step that used the record; it is dropped `AGENT_RECORD_TTL_MS` later. */
	touchedAt: number;
	journal: JournalEntry[];
}

/** What `beginAct` found. */
export type ActDecision =
	| { kind: "perform" } // never started: perform it (the entry is now `started`)
	| { kind: "recorded"; entry: JournalEntry } // performed and recorded: answer from the record
	| { kind: "in-doubt"; entry: JournalEntry }; // started, outcome never recorded: it may have happened

/**
 * Decides whether action k may be performed, and marks it started when it may. A retry of k that
 * finds it recorded answers from the record; one that finds it started but never finished (the
 * earlier attempt died mid-way) must not perform it again either.
 */
export function beginAct(
	record: AgentLeaseRecord,
	k: number,
	action: AgentAction,
	element: ActedElement | null,
): ActDecision {
	const entry = record.journal.find((e) => e.k === k);
	if (entry) return entry.state === "finished" ? { kind: "recorded", entry } : { kind: "in-doubt", entry };
	const verdict = replayVerdict(action, []);
	record.journal.push({ k, action, element, state: "started", step: null, ...verdict });
	record.journal.sort((a, b) => a.k - b.k);
	return { kind: "perform" };
}

/** Records how action k went and whether a rebuild may perform it again. */
export function finishAct(
	record: AgentLeaseRecord,
	k: number,
	step: AgentStep,
	verdict: Pick<JournalEntry, "replay" | "why">,
): void {
	const entry = record.journal.find((e) => e.k === k);
	if (!entry) throw new Error(`action ${k} was never started`);
	Object.assign(entry, { state: "finished", step, ...verdict });
}

/** Request methods that only read: an action that sent nothing else changed nothing on the site. */
const READ_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Whether an action may be performed again to rebuild the page, from what it is and the requests the
 * page sent while it ran (`METHOD url`). Scrolling, typing, selecting and the agent's own navigations
 * (GET) only change the page; a click may submit a form or call an API, so any action during which
 * the page sent something other than GET, HEAD or OPTIONS (a form POST, a fetch PUT) is unsafe. A
 * click in doubt (its outcome was never recorded) is unsafe too: what it sent is unknown.
 */
export function replayVerdict(
	action: AgentAction,
	sent: readonly string[],
	inDoubt = false,
): Pick<JournalEntry, "replay" | "why"> {
	const writing = sent.find((line) => !READ_METHODS.has(line.split(" ", 1)[0]!.toUpperCase()));
	if (writing) return { replay: "unsafe", why: `it sent ${writing.slice(0, 200)}` };
	if (inDoubt && action.type === "click") {
		return { replay: "unsafe", why: "its outcome was lost, so what it sent is unknown" };
	}
	return { replay: "safe", why: null };
}

/** The actions that change the page (extract and done only read it). */
const PAGE_ACTIONS: ReadonlySet<AgentAction["type"]> = new Set(["click", "type", "select", "navigate", "scroll"]);

/** What a rebuild of a lost page performs again, in order; or the action that forbids it. */
export type RebuildPlan = { ok: true; entries: JournalEntry[] } | { ok: false; entry: JournalEntry; message: string };

/**
 * The actions before `beforeK` a rebuild performs again on a fresh page opened at the start URL:
 * every one that was performed (finished ok, or in doubt) and changes the page. An unsafe one among
 * them forbids the rebuild: performing it again could repeat what it did on the site.
 */
export function rebuildPlan(journal: readonly JournalEntry[], beforeK: number): RebuildPlan {
	const entries: JournalEntry[] = [];
	for (const entry of journal) {
		if (entry.k >= beforeK || !PAGE_ACTIONS.has(entry.action.type)) continue;
		const performed = entry.state === "started" || entry.step?.outcome === "ok" || isUncertain(entry);
		if (!performed) continue;
		// A started entry never finished: it is in doubt, whatever was assumed when it began.
		const verdict = entry.state === "started" ? replayVerdict(entry.action, [], true) : entry;
		if (verdict.replay === "unsafe") {
			const message =
				`the browser session was lost and the page cannot be rebuilt: action ${entry.k} (${describeAction(entry)}) ` +
				`${verdict.why ?? "may have changed something on the site"}; performing it again could repeat that`;
			return { ok: false, entry, message };
		}
		entries.push(entry);
	}
	return { ok: true, entries };
}

/** Detail of an action whose outcome was lost: recorded as failed, yet it may have happened. */
export const IN_DOUBT_DETAIL = "the result of this action was lost; it may or may not have happened, look at the page";

function isUncertain(entry: JournalEntry): boolean {
	return entry.step?.outcome === "failed" && entry.step.detail === IN_DOUBT_DETAIL;
}

/** `click e4 "Send"`, `navigate /next`: how a message names an action. */
export function describeAction(entry: Pick<JournalEntry, "action" | "element">): string {
	const { action, element } = entry;
	if (action.type === "navigate") return `navigate ${(action.url ?? "").slice(0, 100)}`;
	const name = element ? ` "${element.name.slice(0, 60)}"` : "";
	return `${action.type}${action.ref ? ` ${action.ref}` : ""}${name}`;
}
