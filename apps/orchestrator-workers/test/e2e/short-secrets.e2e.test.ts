/**
 * Short model keys (`k`, `ollama`: what local servers that want "any key" are given) are not redacted:
 * they are ordinary text too, and redacting them corrupted every answer (`"subtasks"` became
 * `"subtas[redacted]s"`, so no plan parsed). Runs must complete with every answer as the model wrote
 * it, and the Worker must say at start-up that the key is not redacted. (Long keys that the provider
 * echoes are redacted: secrets.e2e.test.ts.) Each key is a variable of its own stack.
 */
import { llmSubtask } from "@ow/schemas/testing";
import { startModelServer, startProductStack, startRun, waitForRun, type ModelServer } from "@ow/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let models: ModelServer;

beforeAll(async () => {
	models = await startModelServer();
});

afterAll(() => models?.close());

describe.each(["k", "ollama"])("with MODEL_API_KEY=%s", (key) => {
	it("should complete a run with every answer exactly as the model wrote it, and say the key is not redacted", async () => {
		const dev = await startProductStack(models.baseURL, { MODEL_API_KEY: key });
		try {
			// Said at start-up, before any request.
			expect(dev.output()).toContain("MODEL_API_KEY is shorter than 8 characters: not redacted from model answers");

			const id = `scn-${crypto.randomUUID()}`;
			const notes = `keep the key "${key}", the kind of thing ollama takes: ${key}${key} ok`;
			await models.defineScenario({
				id,
				rules: [
					{
						match: "You are the planner",
						replies: [{ kind: "json", value: { subtasks: [llmSubtask("kinds"), llmSubtask("keys")] } }],
					},
					{ match: "Your subtask: Subtask kinds", replies: [{ kind: "text", text: notes }] },
					{ match: "Your subtask: Subtask keys", replies: [{ kind: "text", text: "{{header:authorization}}" }] },
					{
						match: "You combine the results",
						replies: [
							{
								kind: "json",
								value: { answer: `known keys: ${key}`, references: [{ subtaskId: "kinds", url: null }] },
							},
						],
					},
				],
			});
			const runId = await startRun(dev.url, { prompt: `Make a note about keys. [${id}]` });
			const run = await waitForRun(dev.url, runId, ["complete", "errored"], { timeoutMs: 60_000 });

			expect({ status: run.status, error: run.error }).toEqual({ status: "complete", error: null });
			expect(run.plan?.subtasks.map((t) => t.id)).toEqual(["kinds", "keys"]);
			expect(run.subtasks.map((t) => [t.id, t.output])).toEqual([
				["kinds", notes],
				// The provider saw the key; a key this short is not hidden from the answer either.
				["keys", `Bearer ${key}`],
			]);
			expect(run.result).toEqual({ answer: `known keys: ${key}`, references: [{ subtaskId: "kinds", url: null }] });
			expect(JSON.stringify(run)).not.toContain("[redacted]");
		} finally {
			await dev.stop();
		}
	});
});
