// Prompt + schema + AI SDK together: what the Workflow sends, and that the canned reply parses back.
import { planSchema, synthesisSchema } from "@ow/schemas";
import { samplePlan, sampleSynthesis } from "@ow/schemas/testing";
import { generateText, NoObjectGeneratedError, Output } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { describe, expect, it } from "vitest";
import { planSubtasksPrompt } from "./plan-subtasks";
import type { BuiltPrompt } from "./prompt-version";
import { synthesisePrompt } from "./synthesise";

/** A model that answers every call with `reply` as JSON text and records the calls it got. */
function modelReplying(reply: unknown): MockLanguageModelV4 {
	return new MockLanguageModelV4({
		doGenerate: async () => ({
			content: [{ type: "text", text: JSON.stringify(reply) }],
			finishReason: { unified: "stop", raw: "stop" },
			usage: {
				inputTokens: { total: 100, noCache: 100, cacheRead: undefined, cacheWrite: undefined },
				outputTokens: { total: 50, text: 50, reasoning: undefined },
			},
			warnings: [],
		}),
	});
}

const plannerPrompt: BuiltPrompt = planSubtasksPrompt({
	prompt: "Compare A and B.",
	maxSubtasks: 5,
	allowBrowser: false,
});

const synthesiserPrompt: BuiltPrompt = synthesisePrompt({
	request: "Compare A and B.",
	results: [
		{ id: "facts-a", title: "Facts about A", status: "succeeded", output: "A is old.", sourceUrl: null },
		{ id: "facts-b", title: "Facts about B", status: "succeeded", output: "B is new.", sourceUrl: null },
	],
});

async function plan(reply: unknown) {
	const model = modelReplying(reply);
	const result = await generateText({
		model,
		...plannerPrompt,
		output: Output.object({ schema: planSchema }),
		maxRetries: 0,
	});
	return { result, call: model.doGenerateCalls[0] };
}

async function synthesise(reply: unknown) {
	const model = modelReplying(reply);
	const result = await generateText({
		model,
		...synthesiserPrompt,
		output: Output.object({ schema: synthesisSchema }),
		maxRetries: 0,
	});
	return { result, call: model.doGenerateCalls[0] };
}

describe("planner round trip", () => {
	it("should return the plan the model wrote", async () => {
		const { result } = await plan(samplePlan);
		expect(result.output).toEqual(samplePlan);
	});

	it("should send the instructions as the system message", async () => {
		const { call } = await plan(samplePlan);
		expect(call?.prompt[0]).toEqual({ role: "system", content: plannerPrompt.instructions });
	});

	it("should send the prompt as the one user message", async () => {
		const { call } = await plan(samplePlan);
		expect(call?.prompt.slice(1)).toEqual([{ role: "user", content: [{ type: "text", text: plannerPrompt.prompt }] }]);
	});

	it("should ask for JSON matching the plan schema", async () => {
		const { call } = await plan(samplePlan);
		expect(call?.responseFormat).toMatchObject({
			type: "json",
			schema: {
				type: "object",
				required: ["subtasks"],
				additionalProperties: false,
				properties: {
					subtasks: {
						type: "array",
						items: {
							required: [
								"id",
								"title",
								"instructions",
								"executor",
								"url",
								"dependsOn",
								"agentic",
								"allowedOrigins",
								"model",
								"ensemble",
							],
						},
					},
				},
			},
		});
	});

	it("should reject a reply that breaks the plan schema", async () => {
		const error: unknown = await plan({ subtasks: [] }).then(
			() => undefined,
			(e: unknown) => e,
		);
		expect(NoObjectGeneratedError.isInstance(error)).toBe(true);
	});
});

describe("synthesiser round trip", () => {
	it("should return the synthesis the model wrote", async () => {
		const { result } = await synthesise(sampleSynthesis);
		expect(result.output).toEqual(sampleSynthesis);
	});

	it("should send the instructions as the system message", async () => {
		const { call } = await synthesise(sampleSynthesis);
		expect(call?.prompt[0]).toEqual({ role: "system", content: synthesiserPrompt.instructions });
	});

	it("should ask for JSON matching the synthesis schema", async () => {
		const { call } = await synthesise(sampleSynthesis);
		expect(call?.responseFormat).toMatchObject({
			type: "json",
			schema: {
				type: "object",
				required: ["answer", "references"],
				additionalProperties: false,
				properties: { references: { type: "array", items: { required: ["subtaskId", "url"] } } },
			},
		});
	});

	it("should reject a reply that leaves out a nullable reference field", async () => {
		const error: unknown = await synthesise({ answer: "A and B.", references: [{ subtaskId: "facts-a" }] }).then(
			() => undefined,
			(e: unknown) => e,
		);
		expect(NoObjectGeneratedError.isInstance(error)).toBe(true);
	});
});
