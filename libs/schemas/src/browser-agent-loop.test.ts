import { describe, expect, it } from "vitest";
import type { AgentAction, AgentStep } from "./browser-agent";
import {
	afterAgentStep,
	agentObservationOf,
	startAgentLoop,
	UNUSABLE_ACTION,
	type AgentLoopState,
} from "./browser-agent-loop";

const action = (type: AgentAction["type"], text: string | null = null): AgentAction => ({
	type,
	ref: null,
	text,
	url: null,
	reason: "test",
});
const step = (
	iteration: number,
	outcome: AgentStep["outcome"],
	type: AgentAction["type"] = "click",
	text: string | null = null,
): AgentStep => ({
	iteration,
	action: action(type, text),
	outcome,
	detail: outcome === "ok" ? null : `${type} ${outcome}`,
});
const view = { url: "https://a.test/", title: "A", elements: [], text: "hello" };

function continued(next: ReturnType<typeof afterAgentStep>): AgentLoopState {
	if (next.kind !== "continue") throw new Error(`expected continue, got ${JSON.stringify(next)}`);
	return next.state;
}

describe("the agent loop's rules", () => {
	it("should report an unusable decision back once and fail on the second in a row", () => {
		const once = continued(afterAgentStep(startAgentLoop(), null, 10));
		expect(agentObservationOf(once, view, 10)).toMatchObject({ iteration: 2, lastError: UNUSABLE_ACTION, history: [] });
		expect(afterAgentStep(once, step(2, "refused"), 10)).toMatchObject({
			kind: "failed",
			code: "agent-invalid-action",
			message: expect.stringContaining("click refused"),
		});
	});

	it("should reset the count after a usable action and report a failed one without counting it", () => {
		let state = continued(afterAgentStep(startAgentLoop(), step(1, "refused"), 10));
		state = continued(afterAgentStep(state, step(2, "ok"), 10));
		state = continued(afterAgentStep(state, step(3, "failed"), 10));
		expect(state).toMatchObject({ iterations: 3, invalidInARow: 0, lastError: "click failed" });
		state = continued(afterAgentStep(state, step(4, "refused"), 10));
		expect(agentObservationOf(state, view, 10).history?.map((s) => s.outcome)).toEqual([
			"refused",
			"ok",
			"failed",
			"refused",
		]);
	});

	it("should end with done's text, or with what extract recorded", () => {
		expect(afterAgentStep(startAgentLoop(), step(1, "ok", "done", "the answer"), 5)).toMatchObject({
			kind: "done",
			answer: "the answer",
		});
		const extracted = continued(afterAgentStep(startAgentLoop(), step(1, "ok", "extract", "fact one"), 5));
		expect(afterAgentStep(extracted, step(2, "ok", "done"), 5)).toMatchObject({ kind: "done", answer: "fact one" });
	});

	it("should fail with agent-max-iterations when the last iteration is not done", () => {
		const state = continued(afterAgentStep(startAgentLoop(), step(1, "ok", "scroll"), 2));
		expect(afterAgentStep(state, step(2, "ok", "scroll"), 2)).toMatchObject({
			kind: "failed",
			code: "agent-max-iterations",
			state: { iterations: 2 },
		});
	});
});
