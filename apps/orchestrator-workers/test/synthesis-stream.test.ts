/**
 * The streamed synthesis's live text: what each client is sent (SynthesisText), and the relay from the
 * Workflow through the run's real RunEvents object in workerd.
 */
import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { NO_SYNTHESIS, SynthesisText, type SynthesisEvent } from "../src/progress/synthesis-text";
import { relayTo, type SynthesisTarget } from "../src/progress/synthesis-relay";
import { newRunId } from "../src/runs/run-id";
import { runObject } from "../src/registry/run-store";

/** The text a client holds after `events`: a reset clears it, a delta adds to it. */
const textAfter = (events: SynthesisEvent[], held = "") =>
	events.reduce((text, e) => (e.type === "synthesis.reset" ? "" : text + e.data.text), held);

describe("SynthesisText", () => {
	it("should send a client only what it has not had, adding up to the text", () => {
		const live = new SynthesisText();
		expect(live.since(NO_SYNTHESIS, false).events).toEqual([]);
		const generation = live.start();
		live.append(generation, 0, "Hello ");
		const first = live.since(NO_SYNTHESIS, false);
		expect(first.events).toEqual([{ type: "synthesis.delta", data: { text: "Hello " } }]);
		live.append(generation, 6, "world");
		const second = live.since(first.cursor, false);
		expect(second.events).toEqual([{ type: "synthesis.delta", data: { text: "world" } }]);
		expect(live.since(second.cursor, false).events).toEqual([]);
	});

	it("should refuse a piece of another attempt or one that leaves a gap", () => {
		const live = new SynthesisText();
		const old = live.start();
		const current = live.start();
		expect(live.append(old, 0, "stale")).toBe(false);
		expect(live.append(current, 3, "gap")).toBe(false);
		expect(live.append(current, 0, "ok")).toBe(true);
		expect(live.text).toBe("ok");
	});

	it("should reset a client that followed an earlier attempt, and any client after the first attempt", () => {
		const live = new SynthesisText();
		live.append(live.start(), 0, "half an ans");
		const seen = live.since(NO_SYNTHESIS, false);
		live.append(live.start(), 0, "The answer.");
		const retried = live.since(seen.cursor, false);
		expect(retried.events[0]).toEqual({ type: "synthesis.reset", data: {} });
		expect(textAfter(retried.events, textAfter(seen.events))).toBe("The answer.");
		// A client that joins during the second attempt resets too (it cannot tell what it missed).
		expect(live.since(NO_SYNTHESIS, false).events.map((e) => e.type)).toEqual(["synthesis.reset", "synthesis.delta"]);
	});

	it("should reset a resumed client before its first text", () => {
		const live = new SynthesisText();
		live.append(live.start(), 0, "abc");
		expect(textAfter(live.since(NO_SYNTHESIS, true).events, "stale text")).toBe("abc");
	});

	it("should replace streamed text that is not the final answer with the answer", () => {
		const live = new SynthesisText();
		const generation = live.start();
		live.append(generation, 0, '{"answer": "A"');
		const seen = live.since(NO_SYNTHESIS, false);
		live.finish(generation, "A");
		const after = live.since(seen.cursor, false);
		expect(after.events[0]?.type).toBe("synthesis.reset");
		expect(textAfter(after.events, textAfter(seen.events))).toBe("A");
		// The same answer as streamed changes nothing.
		live.finish(live.generation, "A");
		expect(live.since(after.cursor, false).events).toEqual([]);
	});

	it("should take an answer that continues the streamed text as its last piece, without a reset", () => {
		const live = new SynthesisText();
		const generation = live.start();
		live.append(generation, 0, "The answer ");
		const seen = live.since(NO_SYNTHESIS, false);
		live.finish(generation, "The answer is 42.");
		expect(live.since(seen.cursor, false).events).toEqual([{ type: "synthesis.delta", data: { text: "is 42." } }]);
	});
});

describe("synthesis relay to the run's RunEvents object", () => {
	it("should batch pieces to the object in order, and start over on the next attempt", async () => {
		const runId = newRunId();
		const target = runObject(env, runId);
		const timing = { flushMs: 5, flushChars: 8 };
		const first = await relayTo(target, runId, timing);
		for (const piece of ["The ", "answer ", "is ", "4", "2."]) first.text(piece);
		await first.finish("The answer is 42.");
		const seen = await target.synthesisSince(NO_SYNTHESIS, false);
		expect(textAfter(seen.events)).toBe("The answer is 42.");

		const second = await relayTo(target, runId, timing);
		second.text("Again: 42.");
		await second.finish("Again: 42.");
		const retried = await target.synthesisSince(seen.cursor, false);
		expect(retried.events[0]?.type).toBe("synthesis.reset");
		expect(textAfter(retried.events, textAfter(seen.events))).toBe("Again: 42.");
	});

	it("should send the text it still holds with the answer, in one call", async () => {
		const runId = newRunId();
		const target = runObject(env, runId);
		const calls: string[] = [];
		const counted: SynthesisTarget = {
			synthesisStarted: () => target.synthesisStarted(),
			synthesisText: (generation, offset, piece) => {
				calls.push(`text ${piece}`);
				return target.synthesisText(generation, offset, piece);
			},
			synthesisFinished: (generation, answer) => {
				calls.push(`finished ${answer}`);
				return target.synthesisFinished(generation, answer);
			},
		};
		const relay = await relayTo(counted, runId, { flushMs: 60_000, flushChars: 8 });
		relay.text("The answer ");
		relay.text("is 42.");
		await relay.finish("The answer is 42.");
		expect(calls).toEqual(["text The answer ", "finished The answer is 42."]);
		const seen = await target.synthesisSince(NO_SYNTHESIS, false);
		expect(seen.events).toEqual([{ type: "synthesis.delta", data: { text: "The answer is 42." } }]);
	});

	it("should still reset clients on an attempt after the object was evicted between attempts", async () => {
		const runId = newRunId();
		const stub = () => runObject(env, runId);
		const timing = { flushMs: 5, flushChars: 8 };
		const first = await relayTo(stub(), runId, timing);
		first.text("half");
		await first.finish("half");
		await evictDurableObject(stub());

		const second = await relayTo(stub(), runId, timing);
		second.text("whole");
		await second.finish("whole");
		// The text went with the eviction, but the attempt count did not: a client resets first.
		const seen = await stub().synthesisSince(NO_SYNTHESIS, false);
		expect(seen.events.map((e) => e.type)).toEqual(["synthesis.reset", "synthesis.delta"]);
		expect(textAfter(seen.events, "half")).toBe("whole");
	});
});
