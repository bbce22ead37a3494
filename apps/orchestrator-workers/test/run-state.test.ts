/**
 * A status read asks the Workflow engine only about a run that has been quiet for a while
 * (src/runs/run-state.ts): a run whose subtasks keep starting and ending is not quiet, however long
 * ago its row last changed. The engine binding is the real one, wrapped to count the reads that reach it.
 */
import { env } from "cloudflare:workers";
import { llmSubtask } from "@ow/schemas/testing";
import { describe, expect, it } from "vitest";
import { insertRuns } from "../src/registry/run-admission";
import { recordPlan } from "../src/registry/run-registry";
import { newRunId } from "../src/runs/run-id";
import { ENGINE_CHECK_AFTER_MS, requireRun } from "../src/runs/run-state";
import { storeOf } from "./read-events";
import { TEST_MODELS, testOptions } from "./registry-fixtures";

const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
const LONG_AGO = 2 * ENGINE_CHECK_AFTER_MS;

/** `env` whose Workflow binding counts the instances asked for. */
function countingEnv(): { env: Env; asked: () => number } {
	let asked = 0;
	const workflow = env.ORCHESTRATOR_WORKFLOW;
	const counted = {
		...env,
		ORCHESTRATOR_WORKFLOW: {
			get: (id: string) => {
				asked += 1;
				return workflow.get(id);
			},
		},
	} as unknown as Env;
	return { env: counted, asked: () => asked };
}

/** A running run planned with subtask a, its row last changed long ago, a started at `startedAt`. */
async function runningRun(startedAt: string): Promise<string> {
	const id = newRunId();
	await insertRuns(env.DB, [
		{ id, prompt: "p", options: testOptions(), promptVersion: "v", models: TEST_MODELS, createdAt: ago(LONG_AGO) },
	]);
	const info = { clampedFrom: null, repaired: false };
	await recordPlan(storeOf(id), id, { subtasks: [llmSubtask("a")] }, info, ago(LONG_AGO));
	await storeOf(id).batch([
		storeOf(id).prepare("UPDATE runs SET status = 'running', updated_at = ?").bind(ago(LONG_AGO)),
		storeOf(id).prepare("UPDATE subtasks SET status = 'running', started_at = ?").bind(startedAt),
	]);
	return id;
}

describe("a status read", () => {
	it("should not ask the engine about a run whose subtask started just now, though its row is old", async () => {
		const id = await runningRun(ago(0));
		const counting = countingEnv();
		expect((await requireRun(counting.env, id)).status).toBe("running");
		expect(counting.asked()).toBe(0);
	});

	it("should ask the engine about a run quiet for longer than ENGINE_CHECK_AFTER_MS", async () => {
		const id = await runningRun(ago(LONG_AGO));
		const counting = countingEnv();
		// No instance was ever created for it: the registry is all there is to show.
		expect((await requireRun(counting.env, id)).status).toBe("running");
		expect(counting.asked()).toBe(1);
	});
});
