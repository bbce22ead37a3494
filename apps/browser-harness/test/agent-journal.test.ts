import type { AgentAction, AgentStep } from "@ow/schemas";
import { describe, expect, it } from "vitest";
import {
	beginAct,
	finishAct,
	IN_DOUBT_DETAIL,
	rebuildPlan,
	replayVerdict,
	type AgentLeaseRecord,
	type JournalEntry,
} from "../src/agent-journal";
import { action } from "./fakes";

function record(): AgentLeaseRecord {
	return {
		id: "lease-1",
		startUrl: "https://shop.example/form",
		origins: ["https://shop.example"],
		attr: "data-ow-ref-test",
		nextRef: 1,
		poolLeaseId: null,
		sessionId: null,
		contextId: null,
		touchedAt: 0,
		journal: [],
	};
}

const ok = (k: number, performed: AgentAction): AgentStep => ({
	iteration: k,
	action: performed,
	outcome: "ok",
	detail: null,
});

/** A finished entry as `act` records it, with the requests the page sent meanwhile. */
function performed(
	k: number,
	done: AgentAction,
	sent: string[] = [],
	outcome: AgentStep["outcome"] = "ok",
): JournalEntry {
	const step = { ...ok(k, done), outcome };
	return { k, action: done, element: null, state: "finished", step, ...replayVerdict(done, sent) };
}

describe("the never-act-twice record", () => {
	it("should let action k be performed once, then answer a retry from the record", () => {
		const session = record();
		const click = action("click", { ref: "e4" });
		expect(beginAct(session, 1, click, { role: "button", name: "Send" })).toEqual({ kind: "perform" });
		finishAct(session, 1, ok(1, click), replayVerdict(click, ["POST https://shop.example/form"]));
		const retry = beginAct(session, 1, click, { role: "button", name: "Send" });
		expect(retry).toMatchObject({
			kind: "recorded",
			entry: { state: "finished", step: ok(1, click), replay: "unsafe" },
		});
		expect(session.journal).toHaveLength(1);
	});

	it("should call an action started but never recorded in doubt, not perform it again", () => {
		const session = record();
		const click = action("click", { ref: "e4" });
		beginAct(session, 3, click, null);
		// The first attempt died mid-way (its RPC, its Chromium): the retry finds it started.
		expect(beginAct(session, 3, click, null)).toMatchObject({ kind: "in-doubt", entry: { k: 3, state: "started" } });
		expect(session.journal).toHaveLength(1);
	});
});

describe("replay classification", () => {
	it("should replay scrolling, typing, selecting and the agent's own navigations", () => {
		for (const type of ["scroll", "type", "select", "navigate"] as const) {
			expect(replayVerdict(action(type), ["GET https://shop.example/next"])).toEqual({ replay: "safe", why: null });
		}
	});

	it("should replay a click that only read (a link, a tab), and not one that sent a form or an API write", () => {
		expect(replayVerdict(action("click"), ["GET https://shop.example/page", "HEAD https://shop.example/x"])).toEqual({
			replay: "safe",
			why: null,
		});
		expect(replayVerdict(action("click"), ["POST https://shop.example/form"])).toEqual({
			replay: "unsafe",
			why: "it sent POST https://shop.example/form",
		});
		expect(replayVerdict(action("type"), ["PUT https://shop.example/api/draft"]).replay).toBe("unsafe");
	});

	it("should not replay a click whose outcome was lost, but still replay typing in doubt", () => {
		expect(replayVerdict(action("click"), [], true)).toMatchObject({
			replay: "unsafe",
			why: expect.stringMatching(/lost/),
		});
		expect(replayVerdict(action("type"), [], true)).toEqual({ replay: "safe", why: null });
	});
});

describe("rebuild plan", () => {
	const typeName = action("type", { ref: "e1", text: "Ada" });
	const scroll = action("scroll");
	const extract = action("extract", { text: "fact" });
	const link = action("click", { ref: "e9" });
	const send = action("click", { ref: "e4" });

	it("should replay the performed page actions before k, in order, leaving out refused, failed and reading ones", () => {
		const journal = [
			performed(1, typeName),
			performed(2, action("click", { ref: "e7" }), [], "refused"),
			performed(3, scroll),
			performed(4, extract),
			performed(5, action("navigate", { url: "/x" }), [], "failed"),
			performed(6, link, ["GET https://shop.example/page"]),
			performed(7, send, ["POST https://shop.example/form"]),
		];
		const plan = rebuildPlan(journal, 7);
		expect(plan.ok && plan.entries.map((e) => e.k)).toEqual([1, 3, 6]);
	});

	it("should refuse to rebuild past a click that sent a form, naming it", () => {
		const journal = [
			performed(1, typeName),
			{ ...performed(2, send, ["POST https://shop.example/form"]), element: { role: "button", name: "Send" } },
			performed(3, scroll),
		];
		const plan = rebuildPlan(journal, 4);
		expect(plan).toMatchObject({ ok: false, entry: { k: 2 } });
		if (plan.ok) return;
		expect(plan.message).toBe(
			'the browser session was lost and the page cannot be rebuilt: action 2 (click e4 "Send") it sent POST https://shop.example/form; performing it again could repeat that',
		);
	});

	it("should refuse to rebuild past a click in doubt, started or recorded as lost", () => {
		const started: JournalEntry = {
			k: 1,
			action: send,
			element: null,
			state: "started",
			step: null,
			replay: "safe",
			why: null,
		};
		expect(rebuildPlan([started], 2)).toMatchObject({ ok: false, entry: { k: 1 } });
		const lost: JournalEntry = {
			...started,
			state: "finished",
			step: { iteration: 1, action: send, outcome: "failed", detail: IN_DOUBT_DETAIL },
			...replayVerdict(send, [], true),
		};
		expect(rebuildPlan([lost], 2)).toMatchObject({ ok: false, entry: { k: 1 } });
		// A click that failed for a known reason (it did not land) did nothing: nothing to replay.
		expect(rebuildPlan([performed(1, send, [], "failed")], 2)).toEqual({ ok: true, entries: [] });
	});
});
