/**
 * The floor: what Workflows itself takes for a run of the product's shape on this machine.
 *
 *   step "plan" -> one step per subtask, at most `maxParallel` at once -> step "synthesise"
 *
 * With `children`, the wave's subtasks run as child instances instead (child-workflow.ts), the README's
 * design for wide waves.
 *
 * Each step is one plain `fetch` to the scripted model server with the same role markers the product's
 * prompts carry, so the server answers it with the same scripted reply after the same latency. What
 * the product takes beyond this is its own: registry writes, the SDK, progress, logging, tracing.
 */
import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from "cloudflare:workers";
import { forEachLimit } from "../../src/workflows/concurrency";
import { subtaskEvent } from "./child-workflow";
import { complete, subtaskText } from "./model-call";
import type { FloorEnv, FloorOutput, FloorParams } from "./types";

export class FloorWorkflow extends WorkflowEntrypoint<FloorEnv, FloorParams> {
	override async run(event: WorkflowEvent<FloorParams>, step: WorkflowStep): Promise<FloorOutput> {
		const { prompt, maxParallel, children } = event.payload;
		const chat = (model: string, text: string) => complete(this.env.MODEL_BASE_URL, model, text);
		const plan = await step.do("plan", () => chat("big", `You are the planner. ${prompt}`));
		const width = (JSON.parse(plan) as { subtasks: unknown[] }).subtasks.length;
		const results: string[] = Array.from({ length: width }, () => "");
		const indexes = results.map((_, i) => i);
		if (children) {
			await step.do("spawn", async () => {
				const batch = indexes.map((index) => ({
					id: `${event.instanceId}-s${index}`,
					params: { parentId: event.instanceId, index, prompt },
				}));
				await this.env.FLOOR_CHILD.createBatch(batch);
			});
			await Promise.all(
				indexes.map(async (i) => {
					const done = await step.waitForEvent<string>(`subtask:${i}`, { type: subtaskEvent(i), timeout: "5 minutes" });
					results[i] = done.payload;
				}),
			);
		} else {
			await forEachLimit(indexes, maxParallel, async (i) => {
				results[i] = await step.do(`subtask:${i}`, () => chat("small", subtaskText(i, prompt)));
			});
		}
		return step.do("synthesise", async () => {
			const answer = await chat("big", `You combine the results. ${prompt}\n${results.join("\n")}`);
			return { answer, finishedAt: Date.now() };
		});
	}
}
