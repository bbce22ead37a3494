/** A run's steps as the Workflow engine counts them (what Workflows bills), sorted by kind. */
import { engineSteps, type EngineStep, type WranglerDev } from "@ow/testing";
import { PRODUCT_WORKFLOW } from "./product.ts";

export interface StepsByKind {
	/** Steps that call a model: plan, subtasks, agent decisions, synthesis. */
	model: number;
	/** Steps that drive Chromium: a page read, an agent's session open, actions and release. */
	browser: number;
	/** `record:*` steps: registry writes redone outside the working step, or transitions of their own. */
	record: number;
	/** Sleeps and waits for events (a start time, an approval, a budget raise). */
	wait: number;
	total: number;
}

/** The kind of one step by its type and name (run-context.ts's STEP names). */
export function kindOf(step: EngineStep): Exclude<keyof StepsByKind, "total"> {
	if (step.type !== "step") return "wait";
	if (step.name.startsWith("record:")) return "record";
	if (/:(page|open|release)$|:act:\d+$/.test(step.name)) return "browser";
	return "model";
}

/** Counts a finished run's steps by kind. */
export async function stepsOf(dev: WranglerDev, runId: string): Promise<StepsByKind> {
	const counts: StepsByKind = { model: 0, browser: 0, record: 0, wait: 0, total: 0 };
	for (const step of await engineSteps(dev.url, PRODUCT_WORKFLOW, runId)) {
		counts[kindOf(step)] += 1;
		counts.total += 1;
	}
	return counts;
}
