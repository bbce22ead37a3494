/**
 * What the steps of one run share, and the names of those steps. Kept apart from the Workflow class
 * so step bodies in sibling modules can use them without importing the class.
 */
import type { WorkflowStep } from "cloudflare:workers";
import {
	addUsage,
	type ResolvedRunOptions,
	type RunUsage,
	type SubtaskOutput,
	type Timings,
	type Usage,
} from "@ow/schemas";
import type { OrchestratorConfig } from "../config";
import type { Models } from "../models";

/** Step names. Replay matches steps by name, so these never change between runs of the same plan. */
export const STEP = {
	plan: "plan",
	repairPlan: "plan:repair",
	recordPlan: "record:plan",
	waiting: "record:waiting",
	approval: "plan-approval",
	recordApproved: "record:plan-approved",
	subtask: (id: string) => `subtask:${id}`,
	/** Agentic browser subtasks: lease a session and open the start URL; one model call per decision; one action per act. */
	agentOpen: (id: string) => `subtask:${id}:open`,
	agentDecide: (id: string, k: number) => `subtask:${id}:decide:${k}`,
	agentAct: (id: string, k: number) => `subtask:${id}:act:${k}`,
	agentRelease: (id: string) => `subtask:${id}:release`,
	recordSubtask: (id: string) => `record:subtask:${id}`,
	synthesise: "synthesise",
	complete: "record:complete",
	errored: "record:errored",
} as const;

export type SubtaskStepResult = SubtaskOutput & { attempts: number; startedAt: string; finishedAt: string };

/** Everything a run's steps share. Built from the event and env only, so replays build the same. */
export interface Run {
	id: string;
	prompt: string;
	options: ResolvedRunOptions;
	config: OrchestratorConfig;
	models: Models;
	step: WorkflowStep;
	usage: Usage;
	/** Usage of each step that called a model, by step name. */
	usageByStep: Record<string, Usage>;
	timings: Timings;
}

/** Adds a step's model usage to the run. */
export function spend(run: Pick<Run, "usage" | "usageByStep">, step: string, usage: Usage): void {
	run.usage = addUsage(run.usage, usage);
	run.usageByStep[step] = usage;
}

/** The run's usage as recorded: the total, by model, and by step. */
export const runUsage = (run: Pick<Run, "usage" | "usageByStep">): RunUsage => ({
	...run.usage,
	byStep: run.usageByStep,
});

export const now = () => new Date().toISOString();
export const elapsedMs = (from: string, to: string) => Date.parse(to) - Date.parse(from);

/** Writes to the registry as steps; what step bodies outside the Workflow class need of it. */
export interface Recorder {
	readonly db: D1Database;
	record(run: Pick<Run, "id" | "step">, name: string, write: () => Promise<void>): Promise<void>;
}
