/**
 * A child of a floor run (floor-workflow.ts with `children`): one subtask's model call as a step, then
 * a step that hands the answer to the parent instance as its event `subtask-<index>`.
 */
import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from "cloudflare:workers";
import { complete, subtaskText } from "./model-call";
import type { FloorChildParams, FloorEnv } from "./types";

export class FloorChildWorkflow extends WorkflowEntrypoint<FloorEnv, FloorChildParams> {
	override async run(event: WorkflowEvent<FloorChildParams>, step: WorkflowStep): Promise<void> {
		const { parentId, index, prompt } = event.payload;
		const text = await step.do("subtask", () => complete(this.env.MODEL_BASE_URL, "small", subtaskText(index, prompt)));
		await step.do("report", async () => {
			await (await this.env.FLOOR.get(parentId)).sendEvent({ type: subtaskEvent(index), payload: text });
		});
	}
}

/** The event a child sends its parent when its subtask is answered. */
export const subtaskEvent = (index: number) => `subtask-${index}`;
