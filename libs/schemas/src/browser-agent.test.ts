import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
	AGENT_LIMITS,
	agentActionSchema,
	agentObservationSchema,
	type AgentAction,
	type AgentObservation,
	type AgentStep,
} from "./browser-agent";
import { agentActRequestSchema, agentOpenRequestSchema, agentSessionResultSchema } from "./browser-agent-session";
import type { BrowsedPage } from "./browser-task";

const click: AgentAction = { type: "click", ref: "e3", text: null, url: null, reason: "Open the form." };
const step: AgentStep = { iteration: 1, action: click, outcome: "ok", detail: null };

const observation: AgentObservation = {
	iteration: 2,
	maxIterations: 10,
	url: "https://example.com/contact",
	title: "Contact",
	elements: [
		{ ref: "e1", role: "textbox", name: "Email", tag: "input", inputType: "email", value: null },
		{ ref: "e2", role: "button", name: "Send", tag: "button", inputType: null, value: null },
	],
	text: "Contact us",
	lastError: null,
	history: [step],
};

const page: BrowsedPage = {
	requestedUrl: "https://example.com",
	finalUrl: "https://example.com/",
	title: "Example",
	text: "Example Domain",
	truncated: false,
	links: [],
	screenshotKey: null,
	blocked: null,
};

describe("agentActionSchema", () => {
	it("should accept an action with the unused fields null", () => {
		expect(agentActionSchema.parse(click)).toEqual(click);
	});

	it("should reject an action that leaves a field out", () => {
		const { url: _url, ...withoutUrl } = click;
		expect(agentActionSchema.safeParse(withoutUrl).success).toBe(false);
	});

	it("should reject an unknown action type", () => {
		expect(agentActionSchema.safeParse({ ...click, type: "download" }).success).toBe(false);
	});

	it("should describe every field for the model", () => {
		const json = z.toJSONSchema(agentActionSchema) as { properties: Record<string, { description?: string }> };
		for (const [name, property] of Object.entries(json.properties))
			expect({ name, described: Boolean(property.description) }).toEqual({ name, described: true });
	});

	it("should list every property in required and forbid others (strict structured output)", () => {
		const json = z.toJSONSchema(agentActionSchema) as {
			properties: Record<string, unknown>;
			required: string[];
			additionalProperties: unknown;
		};
		expect(json.required.toSorted()).toEqual(Object.keys(json.properties).toSorted());
		expect(json.additionalProperties).toBe(false);
	});
});

describe("agentObservationSchema", () => {
	it("should accept an observation with history", () => {
		expect(agentObservationSchema.parse(observation)).toEqual(observation);
	});

	it("should accept an observation without history", () => {
		const { history: _history, ...withoutHistory } = observation;
		expect(agentObservationSchema.safeParse(withoutHistory).success).toBe(true);
	});

	it("should reject more elements than the limit", () => {
		const elements = Array.from({ length: AGENT_LIMITS.maxElements + 1 }, (_, i) => ({
			...observation.elements[0]!,
			ref: `e${i + 1}`,
		}));
		expect(agentObservationSchema.safeParse({ ...observation, elements }).success).toBe(false);
	});

	it("should reject iteration 0", () => {
		expect(agentObservationSchema.safeParse({ ...observation, iteration: 0 }).success).toBe(false);
	});
});

describe("the agent session schemas", () => {
	it("should accept an act answer with the step, the page after it and the final page", () => {
		const view = { url: page.finalUrl, title: page.title, elements: [], text: "Thanks" };
		const answer = { ok: true, step, view, page, replayed: 2 };
		expect(agentSessionResultSchema.parse(answer)).toEqual(answer);
		const failure = { ok: false, error: { code: "session-lost", message: "action 4 sent POST", retryable: false } };
		expect(agentSessionResultSchema.parse(failure)).toEqual(failure);
	});

	it("should take only lease ids that are safe as storage keys", () => {
		const open = { leaseId: "run_1.contact.3f2a", url: "https://example.com" };
		expect(agentOpenRequestSchema.safeParse(open).success).toBe(true);
		expect(agentOpenRequestSchema.safeParse({ ...open, leaseId: "a/b" }).success).toBe(false);
		expect(agentOpenRequestSchema.safeParse({ ...open, extra: 1 }).success).toBe(false);
	});

	it("should refuse an act beyond the iteration bound or without the observation it answers", () => {
		const act = { leaseId: "l1", k: 1, action: click, observed: { url: "https://example.com", elements: [] } };
		expect(agentActRequestSchema.safeParse(act).success).toBe(true);
		expect(agentActRequestSchema.safeParse({ ...act, k: 26 }).success).toBe(false);
		expect(agentActRequestSchema.safeParse({ ...act, observed: undefined }).success).toBe(false);
	});
});
