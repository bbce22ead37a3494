/**
 * The one-step baseline of the retry-cost benchmark: model calls per completed run when 10 % of
 * calls fail transiently, for the reference demo's layout (every subtask inside one step, see
 * `one-step-workflow.ts`). The benchmark driver compares it with the product's count.
 *
 * `runOneStepBaseline` starts the baseline Worker under `wrangler dev` (local Workflows, state in a
 * temporary folder), measures one failure-free run, then runs R runs of a W-subtask plan against the
 * scripted model server, each run with its own scenario and fault seed so runs are independent.
 */
import { llmSubtask } from "@ow/schemas/testing";
import { connectModelServer, startWranglerDev, type RemoteModelServer, type ScenarioFaults } from "@ow/testing";
import type { WranglerDev } from "@ow/testing";

/** The baseline Worker's config, relative to the repo root. */
export const BASELINE_CONFIG = "apps/orchestrator-workers/bench/one-step-baseline/wrangler.jsonc";

/** Options of `runOneStepBaseline`. */
export interface OneStepBaselineOptions {
	/** The scripted model server's OpenAI-compatible base URL: its root followed by `/v1`. */
	modelBaseURL: string;
	/** Subtasks in each run's plan. */
	width: number;
	/** Runs with faults. */
	runs: number;
	/** Transient faults: share of calls failing with a 500, and the seed of the first run (run i uses seed + i). */
	faults: { rate: number; seed?: number };
	/** Latency of each subtask answer; 100 ms unless given. */
	subtaskLatencyMs?: number;
	/** `STEP_RETRY_DELAY_MS`, the first retry delay; the product's default unless given. */
	retryDelayMs?: number;
}

/** What the baseline measured; plain numbers. */
export interface OneStepBaselineResult {
	completedRuns: number;
	erroredRuns: number;
	/** Model calls of all the runs with faults, faulted calls included. */
	calls: number;
	/** `calls` over `completedRuns`: the calls of errored runs count against the runs that completed. */
	callsPerCompletedRun: number;
	/** Model calls of one run without faults (measured, not computed). */
	failureFreeCallsPerRun: number;
	faultsInjected: number;
}

/** Runs the baseline; see the module comment. */
export async function runOneStepBaseline(options: OneStepBaselineOptions): Promise<OneStepBaselineResult> {
	const models = connectModelServer(options.modelBaseURL.replace(/\/v1\/?$/, ""));
	const vars: Record<string, string> = { MODEL_BASE_URL: options.modelBaseURL, MAX_SUBTASKS: String(options.width) };
	if (options.retryDelayMs !== undefined) vars.STEP_RETRY_DELAY_MS = String(options.retryDelayMs);
	const dev = await startWranglerDev({ configs: [BASELINE_CONFIG], vars });
	try {
		const prefix = `osb-${crypto.randomUUID().slice(0, 8)}`;
		const run = (id: string, faults?: ScenarioFaults) => runOnce(dev, models, options, id, faults);
		const clean = await run(`${prefix}-clean`);
		if (clean.status !== "complete") throw new Error(`the failure-free baseline run ended ${clean.status}`);
		const seed = options.faults.seed ?? 1;
		const faulted = await Promise.all(
			Array.from({ length: options.runs }, (_, i) =>
				run(`${prefix}-r${String(i).padStart(4, "0")}`, { rate: options.faults.rate, seed: seed + i }),
			),
		);
		const completedRuns = faulted.filter((r) => r.status === "complete").length;
		const erroredRuns = faulted.filter((r) => r.status === "errored").length;
		const calls = faulted.reduce((sum, r) => sum + r.calls, 0);
		// Calls per completed run is meaningless without one; say what happened instead of dividing by 0.
		if (completedRuns === 0) throw new Error(`no baseline run completed (${erroredRuns} errored, ${calls} calls)`);
		return {
			completedRuns,
			erroredRuns,
			calls,
			callsPerCompletedRun: calls / completedRuns,
			failureFreeCallsPerRun: clean.calls,
			faultsInjected: faulted.reduce((sum, r) => sum + r.faultsInjected, 0),
		};
	} finally {
		await dev.stop();
	}
}

/** One run under its own scenario (its id is in the prompt); resolves when the instance has finished. */
async function runOnce(
	dev: WranglerDev,
	models: RemoteModelServer,
	options: OneStepBaselineOptions,
	id: string,
	faults: ScenarioFaults | undefined,
): Promise<{ status: string; calls: number; faultsInjected: number }> {
	const plan = { subtasks: Array.from({ length: options.width }, (_, i) => llmSubtask(`s${i + 1}`)) };
	await models.defineScenario({
		id,
		...(faults ? { faults } : {}),
		rules: [
			{ match: "You are the planner", replies: [{ kind: "json", value: plan }] },
			{
				match: "Your subtask: ",
				replies: [{ kind: "text", text: "a subtask's answer", delayMs: options.subtaskLatencyMs ?? 100 }],
			},
			{ match: "You combine the results", replies: [{ kind: "json", value: { answer: "done", references: [] } }] },
		],
	});
	const started = await fetch(`${dev.url}/`, {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: JSON.stringify({ prompt: `Benchmark run [${id}]` }),
	});
	if (started.status !== 202) throw new Error(`POST / answered ${started.status}: ${await started.text()}`);
	const { id: instanceId } = (await started.json()) as { id: string };
	const status = await waitForInstance(dev.url, instanceId);
	const stats = await models.scenarioStats(id);
	return { status, calls: stats.calls, faultsInjected: stats.faultsInjected };
}

const FINISHED = new Set(["complete", "errored", "terminated"]);

async function waitForInstance(url: string, instanceId: string, timeoutMs = 180_000): Promise<string> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		const res = await fetch(`${url}/${instanceId}`);
		if (res.status !== 200) throw new Error(`GET /${instanceId} answered ${res.status}: ${await res.text()}`);
		const { status } = (await res.json()) as { status: string };
		if (FINISHED.has(status)) return status;
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	throw new Error(`baseline run ${instanceId} did not finish within ${timeoutMs} ms`);
}
