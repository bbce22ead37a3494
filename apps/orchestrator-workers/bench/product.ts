/**
 * The product as the benchmarks run it: one `wrangler dev` with both Workers against the scripted
 * model server, and runs whose model calls are all routed to a scenario of their own.
 */
import { llmSubtask } from "@ow/schemas/testing";
import {
	engineStatus,
	readRun,
	startRun,
	startProductStack,
	type ModelServer,
	type ScenarioFaults,
	type WranglerDev,
} from "@ow/testing";
import type { RunStatus } from "@ow/schemas";
import { waitUntil } from "./stats.ts";

/** Every model call of the benchmarks takes this long (the model server's fixed latency). */
export const MODEL_LATENCY_MS = 200;

const PLANNER = "You are the planner";
const SYNTHESISER = "You combine the results";

/**
 * Starts the product with `vars` on top of the benchmark's defaults, without wrangler's local
 * observability collector unless asked (see run.ts).
 */
export function startProduct(
	models: ModelServer,
	vars: Record<string, string> = {},
	options: { inspectorPort?: number; localObservability?: boolean } = {},
): Promise<WranglerDev> {
	return startProductStack(
		models.baseURL,
		{
			STEP_RETRY_DELAY_MS: "50",
			MAX_SUBTASKS: "32",
			MAX_ACTIVE_RUNS: "250",
			...vars,
		},
		{ localObservability: false, ...options },
	);
}

/**
 * Scripts one run: a plan of `width` independent llm subtasks, each call answered after the server's
 * latency. Returns the prompt that routes the run's calls to it.
 */
export function waveScenario(models: ModelServer, width: number, faults?: ScenarioFaults) {
	// Scenarios match by substring, so no id may be a prefix of another: a UUID each.
	const id = `bench-${crypto.randomUUID()}`;
	const plan = { subtasks: Array.from({ length: width }, (_, i) => llmSubtask(`s${i + 1}`)) };
	models.defineScenario({
		id,
		...(faults ? { faults } : {}),
		rules: [
			{ match: PLANNER, replies: [{ kind: "json", value: plan }] },
			{ match: SYNTHESISER, replies: [{ kind: "json", value: { answer: "done", references: [] } }] },
			{ match: "", replies: [{ kind: "text", text: "result" }] },
		],
	});
	return { id, width, prompt: `Benchmark run [${id}]`, plan };
}

/** One finished run, timed from the client's POST to the registry's completion time. */
export interface TimedRun {
	id: string;
	status: RunStatus;
	/** POST sent → run recorded complete, ms. */
	endToEndMs: number;
	/** Plan answered → synthesis asked (the execute phase as the model server saw it), ms. */
	executeMs: number;
	/** Where the time beyond the model calls went, from the model server's clock and the registry's. */
	overhead: Overhead;
	calls: number;
}

/**
 * The product's own time in a one-wave run, phase by phase: everything between the model calls.
 * Their sum is the end-to-end time less plan, one subtask and synthesis latency, when the wave's
 * calls all run at once.
 */
export interface Overhead {
	/** POST sent → plan call arrives: the API, the registry insert, the instance start, the first step. */
	startMs: number;
	/** Plan answered → first subtask call arrives: validation, the plan's record, a step starting. */
	planToWaveMs: number;
	/** First → last subtask call arriving: how long the engine takes to start every step of the wave. */
	waveSpreadMs: number;
	/** Last subtask answered → synthesis call arrives: outcomes recorded, the next step starting. */
	waveToSynthesisMs: number;
	/** Synthesis answered → run recorded complete. */
	synthesisToDoneMs: number;
}

/** Starts a run of `scenario`, waits for its end, and fails unless it completed. */
export async function timeRun(
	dev: WranglerDev,
	models: ModelServer,
	scenario: ReturnType<typeof waveScenario>,
): Promise<TimedRun> {
	const postedAt = Date.now();
	const id = await startRun(dev.url, { prompt: scenario.prompt, options: { maxSubtasks: scenario.width } });
	await waitForEngine(dev, id);
	const status = mustComplete(await readRun(dev.url, id));
	const doneAt = Date.parse(status.updatedAt);
	const phases = phasesOf(models, scenario.id, postedAt, doneAt);
	return {
		id,
		status,
		endToEndMs: doneAt - postedAt,
		executeMs: phases.executeMs,
		overhead: phases.overhead,
		calls: models.scenarioStats(scenario.id)?.calls ?? 0,
	};
}

/** The states an instance or run does not leave. */
export const ENDED = new Set(["complete", "errored", "terminated"]);

/** The product's Workflow, as wrangler.jsonc names it. */
export const PRODUCT_WORKFLOW = "orchestrator-workflow";

/**
 * Waits for a run's instance to end, asking the engine (wrangler's explorer API), not the Worker: a
 * timed run's CPU and registry counts are then its own, with no status reads of ours in them. The
 * registry is written inside the last step, so it agrees once the engine says the run has ended.
 */
export async function waitForEngine(dev: WranglerDev, id: string): Promise<void> {
	const ended = async () => ENDED.has(await engineStatus(dev.url, PRODUCT_WORKFLOW, id));
	await waitUntil(`run ${id} to end`, ended, BENCH_WAIT);
}

/**
 * Where a run's time went beyond its model calls, from the model server's clock: when the plan, the
 * wave's calls and the synthesis arrived, set against the POST and the end. Product and floor alike.
 */
export function phasesOf(
	models: ModelServer,
	scenarioId: string,
	postedAt: number,
	doneAt: number,
): { executeMs: number; overhead: Overhead } {
	const asked = (role: string) =>
		models.requests
			.filter((r) => {
				const text = JSON.stringify(r.body.messages);
				return (
					text.includes(scenarioId) &&
					(role === "" ? !text.includes(PLANNER) && !text.includes(SYNTHESISER) : text.includes(role))
				);
			})
			.map((r) => r.receivedAt);
	const plan = Math.min(...asked(PLANNER));
	const subtasks = asked("");
	const synthesis = Math.max(...asked(SYNTHESISER));
	const L = MODEL_LATENCY_MS;
	return {
		executeMs: synthesis - (plan + L),
		overhead: {
			startMs: plan - postedAt,
			planToWaveMs: Math.min(...subtasks) - (plan + L),
			waveSpreadMs: Math.max(...subtasks) - Math.min(...subtasks),
			waveToSynthesisMs: synthesis - (Math.max(...subtasks) + L),
			synthesisToDoneMs: doneAt - (synthesis + L),
		},
	};
}

/** How long a benchmark waits for a run, and how often it looks. */
export const BENCH_WAIT = { timeoutMs: 180_000, intervalMs: 100 };

/** A benchmark of a run that did not complete would measure nothing: fail loudly instead. */
export function mustComplete(status: RunStatus): RunStatus {
	if (status.status !== "complete") {
		throw new Error(`bench run ${status.id} ended ${status.status}: ${JSON.stringify(status.error)}`);
	}
	return status;
}
