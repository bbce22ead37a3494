/**
 * A run's steps as the Workflow engine counts them (what Workflows bills), read from the local
 * explorer API that `wrangler workflows instances describe --local` uses, and sorted by kind.
 */
import type { WranglerDev } from "@ow/testing";

/** The product's Workflow, as wrangler.jsonc names it. */
const WORKFLOW = "orchestrator-workflow";

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

interface ExplorerStep {
	name: string;
	type: string;
}

/** The kind of one step by its type and name (run-context.ts's STEP names). */
export function kindOf(step: ExplorerStep): Exclude<keyof StepsByKind, "total"> {
	if (step.type !== "step") return "wait";
	// The engine lists a step as its name and "-<n>", the how-many-th step of that name.
	const name = step.name.replace(/-\d+$/, "");
	if (name.startsWith("record:")) return "record";
	if (/:(page|open|release)$|:act:\d+$/.test(name)) return "browser";
	return "model";
}

/** Counts a finished run's steps by kind. */
export async function stepsOf(dev: WranglerDev, runId: string): Promise<StepsByKind> {
	const res = await fetch(`${dev.url}/cdn-cgi/local/explorer/api/workflows/${WORKFLOW}/instances/${runId}`);
	const body = (await res.json()) as { success: boolean; result?: { steps: ExplorerStep[] }; errors?: unknown };
	if (!body.success || !body.result)
		throw new Error(`the engine did not describe run ${runId}: ${JSON.stringify(body)}`);
	const counts: StepsByKind = { model: 0, browser: 0, record: 0, wait: 0, total: 0 };
	for (const step of body.result.steps) {
		counts[kindOf(step)] += 1;
		counts.total += 1;
	}
	return counts;
}
