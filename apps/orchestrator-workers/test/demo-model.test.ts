/**
 * The demo model through the product's real prompts and model calls: what the planner, a browser
 * subtask, a dependent subtask and the synthesiser get from it, streamed and not.
 */
import { streamText } from "ai";
import { answerFromPagePrompt, planSubtasksPrompt, runSubtaskPrompt, synthesisePrompt } from "@ow/prompts";
import { planSchema, synthesisSchema, type Plan, type Subtask } from "@ow/schemas";
import { describe, expect, it } from "vitest";
import { createDemoModel } from "../src/demo/demo-language-model";
import { createModels, modelIds } from "../src/models";
import { generateAnswer, generateStructured } from "../src/workflows/model-call";

const models = createModels({ MODEL_PROVIDER: "demo", BIG_MODEL: "llama3.1:8b", SMALL_MODEL: "llama3.2:3b" });
const PAGE_TEXT = "Sea otters hold hands while they sleep so that they do not drift apart.";
const REQUEST = "What do http://site.test/otters and http://site.test/beavers say about sleep?";

const subtask = (extra: Partial<Subtask>): Subtask => ({
	id: "x",
	title: "X",
	instructions: "Do x.",
	executor: "llm",
	url: null,
	dependsOn: [],
	agentic: null,
	allowedOrigins: null,
	model: null,
	ensemble: null,
	...extra,
});

describe("the demo model", () => {
	it("should report itself as the demo provider, whatever BIG_MODEL and SMALL_MODEL say", () => {
		expect(modelIds({ MODEL_PROVIDER: "demo", BIG_MODEL: "llama3.1:8b" })).toEqual({
			provider: "demo",
			big: "demo-planner",
			small: "demo-worker",
			baseURL: null,
		});
	});

	it("should plan one browser subtask per URL of the request, through structured output", async () => {
		const prompt = planSubtasksPrompt({ prompt: REQUEST, maxSubtasks: 8, allowBrowser: true });
		const result = await generateStructured<Plan>(models.call("plan", prompt), planSchema);
		expect(result.ok).toBe(true);
		const plan = result.ok ? result.value : { subtasks: [] };
		expect(plan.subtasks.map((s) => [s.id, s.executor, s.url])).toEqual([
			["page-1", "browser", "http://site.test/otters"],
			["page-2", "browser", "http://site.test/beavers"],
		]);
		expect(result.usage.byModel["demo-planner"]?.inputTokens).toBeGreaterThan(0);
		expect(result.usage.outputTokens).toBeGreaterThan(0);
	});

	it("should plan model subtasks in dependency waves when the request asks for steps", async () => {
		const prompt = planSubtasksPrompt({
			prompt: "First list the costs of solar panels, then compare them with wind, finally recommend one",
			maxSubtasks: 8,
			allowBrowser: true,
		});
		const result = await generateStructured<Plan>(models.call("plan", prompt), planSchema);
		const plan = result.ok ? result.value : { subtasks: [] };
		expect(plan.subtasks.map((s) => [s.id, s.executor, s.dependsOn])).toEqual([
			["step-1", "llm", []],
			["step-2", "llm", ["step-1"]],
			["step-3", "llm", ["step-2"]],
		]);
	});

	it("should answer a browser subtask by quoting the page it read", async () => {
		const prompt = answerFromPagePrompt({
			request: REQUEST,
			subtask: subtask({ id: "page-1", title: "Read otters", executor: "browser", url: "http://site.test/otters" }),
			page: { url: "http://site.test/otters", title: "Otters", text: PAGE_TEXT },
			dependencies: [],
		});
		const { text } = await generateAnswer(models.call("subtask", prompt));
		expect(text).toBe(`The page "Otters" (http://site.test/otters) says: "${PAGE_TEXT}"`);
	});

	it("should answer a dependent subtask by quoting the outputs it was given", async () => {
		const prompt = runSubtaskPrompt({
			request: "Steps",
			subtask: subtask({ id: "step-2", title: "Compare", dependsOn: ["step-1"] }),
			dependencies: [{ id: "step-1", title: "List costs", output: "Panels cost 200 euros." }],
		});
		const { text } = await generateAnswer(models.call("subtask", prompt));
		expect(text).toBe('Building on step-1 ("List costs"): "Panels cost 200 euros."');
	});

	it("should synthesise the results with references to the subtasks and pages used", async () => {
		const prompt = synthesisePrompt({
			request: REQUEST,
			results: [
				{
					id: "page-1",
					title: "Read otters",
					status: "succeeded",
					output: `The page "Otters" says: "${PAGE_TEXT}"`,
					sourceUrl: "http://site.test/otters",
				},
				{
					id: "page-2",
					title: "Read beavers",
					status: "failed",
					error: { code: "browse-failed", message: "timed out" },
				},
			],
		});
		const result = await generateStructured(models.call("synthesise", prompt), synthesisSchema);
		expect(result.ok).toBe(true);
		if (!result.ok) return;
		expect(result.value.answer).toContain(PAGE_TEXT);
		expect(result.value.answer).toContain("Read beavers [page-2]: failed (browse-failed)");
		expect(result.value.references).toEqual([{ subtaskId: "page-1", url: "http://site.test/otters" }]);
	});

	it("should stream its answer in several pieces, with usage at the end", async () => {
		const prompt = runSubtaskPrompt({
			request: "Steps",
			subtask: subtask({ title: "Summarise" }),
			dependencies: [{ id: "a", title: "A", output: "x ".repeat(100) }],
		});
		const result = streamText({ model: createDemoModel("demo-worker", { latencyMs: 0 }), ...prompt });
		const pieces: string[] = [];
		for await (const piece of result.textStream) pieces.push(piece);
		expect(pieces.length).toBeGreaterThan(3);
		expect(pieces.join("")).toBe((await generateAnswer(models.call("subtask", prompt))).text);
		expect((await result.usage).outputTokens).toBe(Math.ceil(pieces.join("").length / 4));
	});

	it("should give up when the caller's signal aborts during its latency", async () => {
		const model = createDemoModel("demo-worker", { latencyMs: 60_000 });
		const call = model.doGenerate({
			prompt: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
			abortSignal: AbortSignal.timeout(50),
		});
		await expect(call).rejects.toThrow(/timed out|abort/i);
	});
});
