/**
 * The floor: what Workflows itself takes for a run of the product's shape on this machine.
 *
 *   step "plan" -> one step per subtask, at most `maxParallel` at once -> step "synthesise"
 *
 * Each step is one plain `fetch` to the scripted model server with the same role markers the product's
 * prompts carry, so the server answers it with the same scripted reply after the same latency. What
 * the product takes beyond this is its own: registry writes, the SDK, progress, logging, tracing.
 */
import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from "cloudflare:workers";
import { forEachLimit } from "../../src/workflows/concurrency";
import type { FloorEnv, FloorOutput, FloorParams } from "./types";

export class FloorWorkflow extends WorkflowEntrypoint<FloorEnv, FloorParams> {
	override async run(event: WorkflowEvent<FloorParams>, step: WorkflowStep): Promise<FloorOutput> {
		const { prompt, maxParallel } = event.payload;
		const chat = (model: string, text: string) => complete(this.env.MODEL_BASE_URL, model, text);
		const plan = await step.do("plan", () => chat("big", `You are the planner. ${prompt}`));
		const width = (JSON.parse(plan) as { subtasks: unknown[] }).subtasks.length;
		const results: string[] = Array.from({ length: width }, () => "");
		const indexes = results.map((_, i) => i);
		await forEachLimit(indexes, maxParallel, async (i) => {
			results[i] = await step.do(`subtask:${i}`, () => chat("small", `Your subtask: s${i + 1}. ${prompt}`));
		});
		return step.do("synthesise", async () => {
			const answer = await chat("big", `You combine the results. ${prompt}\n${results.join("\n")}`);
			return { answer, finishedAt: Date.now() };
		});
	}
}

/** One chat completion; its text. A failure throws, and the step's default retries take it. */
async function complete(baseURL: string, model: string, text: string): Promise<string> {
	const res = await fetch(`${baseURL}/chat/completions`, {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: JSON.stringify({ model, messages: [{ role: "user", content: text }] }),
	});
	if (!res.ok) throw new Error(`model server answered ${res.status}`);
	const body = (await res.json()) as { choices: { message: { content: string } }[] };
	return body.choices[0]!.message.content;
}
