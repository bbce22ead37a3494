import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
	AGENT_LIMITS,
	agentActionSchema,
	agentObservationSchema,
	agentResultSchema,
	type AgentAction,
	type AgentObservation,
	type AgentStep,
} from "./browser-agent";
import { browsedPageSchema, browseRequestSchema, browseResultSchema, type BrowsedPage } from "./browser-task";

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

describe("agent fields of the browse schemas", () => {
	it("should accept a page carrying the agent's result", () => {
		const agent = { answer: "Thanks, Ada!", actions: [step], iterations: 1 };
		expect(browsedPageSchema.parse({ ...page, agent })).toEqual({ ...page, agent });
		expect(agentResultSchema.parse(agent)).toEqual(agent);
	});

	it("should still accept a page without agent", () => {
		expect(browsedPageSchema.parse(page)).toEqual(page);
	});

	it("should accept a failure carrying the partial actions and an agent code", () => {
		const failure = {
			ok: false,
			error: { code: "agent-max-iterations", message: "10 iterations without done", retryable: false },
			actions: [step],
		};
		expect(browseResultSchema.parse(failure)).toEqual(failure);
	});

	it("should accept allowedOrigins on a request, and still refuse unknown keys", () => {
		const request = { url: "https://example.com", allowedOrigins: ["https://docs.example.com"] };
		expect(browseRequestSchema.safeParse(request).success).toBe(true);
		expect(browseRequestSchema.safeParse({ ...request, origins: [] }).success).toBe(false);
	});

	it("should refuse more than 20 allowed origins", () => {
		const allowedOrigins = Array.from({ length: 21 }, (_, i) => `https://s${i}.example.com`);
		expect(browseRequestSchema.safeParse({ url: "https://example.com", allowedOrigins }).success).toBe(false);
	});
});
