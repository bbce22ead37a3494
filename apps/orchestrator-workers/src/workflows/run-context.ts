/**
 * What the steps of one run share, and the names of those steps. Kept below the Workflow class and
 * its phase modules so each of them (and the routes that name steps) can use these without a cycle.
 */
import type { WorkflowStep } from "cloudflare:workers";
import type { EnsembleOptions, ResolvedRunOptions, Subtask, SubtaskOutput, Timings } from "@ow/schemas";
import type { OrchestratorConfig } from "../config";
import type { Models } from "../models";

/** Step names. Replay matches steps by name, so these never change between runs of the same plan. */
export const STEP = {
	/** A delayed run's sleep until its start time (options.startAt). */
	startAt: "start-at",
	plan: "plan",
	repairPlan: "plan:repair",
	recordPlan: "record:plan",
	/** Marks the run `waiting` for its plan's approval. */
	recordWaitingForApproval: "record:waiting",
	approval: "plan-approval",
	recordApproved: "record:plan-approved",
	subtask: (id: string) => `subtask:${id}`,
	/** A browser subtask's page read, before `subtask:<id>` answers from it (browser-subtask.ts). */
	subtaskPage: (id: string) => `subtask:${id}:page`,
	/** Agentic browser subtasks: lease a session and open the start URL; one model call per decision; one action per act. */
	agentOpen: (id: string) => `subtask:${id}:open`,
	agentDecide: (id: string, k: number) => `subtask:${id}:decide:${k}`,
	agentAct: (id: string, k: number) => `subtask:${id}:act:${k}`,
	agentRelease: (id: string) => `subtask:${id}:release`,
	/** Redoes a decision's usage write when the one inside its step failed. */
	recordAgentDecide: (id: string, k: number) => `record:subtask:${id}:decide:${k}`,
	recordSubtask: (id: string) => `record:subtask:${id}`,
	/** Ensembles: a vote's samples, a debate's answers by round and agent, and a round's consensus check. */
	ensembleSample: (id: string, k: number) => `subtask:${id}:sample:${k}`,
	debateAnswer: (id: string, round: number, agent: number) => `subtask:${id}:round:${round}:agent:${agent}`,
	debateConsensus: (id: string, round: number) => `subtask:${id}:consensus:${round}`,
	synthesise: "synthesise",
	/** Redoes the synthesise step's write of the finished run when the one inside it failed. */
	recordComplete: "record:complete",
	recordErrored: "record:errored",
} as const;

/** True for a browser subtask that reads its page in a step of its own (an agentic one does not). */
export function readsPageFirst(task: Pick<Subtask, "executor" | "agentic">): boolean {
	return task.executor === "browser" && task.agentic !== true;
}

/**
 * The first step of a subtask: where redoing it (`?from=subtask:<id>`) starts. An ensemble subtask's
 * first sample (or first debater's first answer), so its samples or rounds are redone too.
 */
export function firstStepOf(
	task: Pick<Subtask, "id" | "executor" | "agentic">,
	ensemble: EnsembleOptions | null = null,
): string {
	if (readsPageFirst(task)) return STEP.subtaskPage(task.id);
	if (task.executor === "llm" && ensemble)
		return ensemble.mode === "vote" ? STEP.ensembleSample(task.id, 1) : STEP.debateAnswer(task.id, 1, 1);
	return task.executor === "browser" && task.agentic ? STEP.agentOpen(task.id) : STEP.subtask(task.id);
}

export type SubtaskStepResult = SubtaskOutput & { attempts: number; startedAt: string; finishedAt: string };

/** Everything a run's steps share. Built from the event and env only, so replays build the same. */
export interface Run {
	id: string;
	prompt: string;
	options: ResolvedRunOptions;
	config: OrchestratorConfig;
	models: Models;
	step: WorkflowStep;
	timings: Timings;
}

export const now = () => new Date().toISOString();
export const elapsedMs = (from: string, to: string) => Date.parse(to) - Date.parse(from);

/**
 * Writes to the registry as `record:*` steps of their own; what step code outside the Workflow needs
 * to record a transition (plan approval, budget waits). See `recordStep` in call-steps.ts.
 */
export interface RecordSteps {
	readonly db: D1Database;
	recordStep(run: Pick<Run, "id" | "step">, name: string, write: () => Promise<void>): Promise<void>;
}
