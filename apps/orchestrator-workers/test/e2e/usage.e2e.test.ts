/**
 * Usage is true at every moment, end to end: each step adds what it spent when it ends, so GET /:id
 * shows tokens while the run still runs, and attempts that failed are counted (their tokens when the
 * provider reported them, else as unknown calls) in the total, by step and in the events.
 */
import { llmSubtask } from "@ow/schemas/testing";
import { connectModelServer, readRun, startRun, waitForRun, type Reply } from "@ow/testing";
import { expect, inject, it } from "vitest";

const models = connectModelServer(inject("modelURL"));
const dev = { url: inject("devURL") };
const tokens = (prompt_tokens: number, completion_tokens: number) => ({ prompt_tokens, completion_tokens });

it("should show usage growing while a run runs, and count failed attempts when it ends", async () => {
	const id = `scn-${crypto.randomUUID()}`;
	const plan: Reply = {
		kind: "json",
		value: { subtasks: [llmSubtask("slow"), llmSubtask("flaky")] },
		usage: tokens(100, 10),
	};
	await models.defineScenario({
		id,
		rules: [
			{ match: "You are the planner", replies: [plan] },
			// Slow enough to be seen running; the delay is not asserted on.
			{
				match: "Your subtask: Subtask slow\n",
				replies: [{ kind: "text", text: "S", delayMs: 4_000, usage: tokens(20, 2) }],
			},
			// A 500 (no usage reported), then an answer.
			{
				match: "Your subtask: Subtask flaky\n",
				replies: [
					{ kind: "error", status: 500, message: "scripted 500" },
					{ kind: "text", text: "F", usage: tokens(30, 3) },
				],
			},
			// A synthesis that breaks its schema but whose usage was reported, then a good one.
			{
				match: "You combine the results",
				replies: [
					{ kind: "malformed", content: '{"answer": nope', usage: tokens(300, 30) },
					{ kind: "json", value: { answer: "done", references: [] }, usage: tokens(400, 40) },
				],
			},
		],
	});
	const runId = await startRun(dev.url, { prompt: `Two subtasks, one slow. [${id}]` });

	// While the slow subtask runs, the plan's tokens are already there.
	await expect
		.poll(async () => (await readRun(dev.url, runId)).subtasks.find((t) => t.id === "slow")?.status, {
			timeout: 30_000,
		})
		.toBe("running");
	const live = await readRun(dev.url, runId);
	expect(live.status).toBe("running");
	expect(live.usage.inputTokens).toBeGreaterThan(0);
	expect(live.usage.outputTokens).toBeGreaterThan(0);
	expect(live.usage.byStep?.plan).toMatchObject({ inputTokens: 100, outputTokens: 10 });

	const run = await waitForRun(dev.url, runId);

	expect(run.status).toBe("complete");
	// plan 100/10 + slow 20/2 + flaky 30/3 (its 500 has no usage) + both syntheses 700/70.
	expect(run.usage).toMatchObject({ inputTokens: 850, outputTokens: 85, calls: 6, unknownCalls: 1 });
	expect(run.usage.byStep?.synthesise?.attempts).toEqual([
		{ attempt: 1, outcome: "failed", inputTokens: 300, outputTokens: 30, calls: 1, unknownCalls: 0 },
		{ attempt: 2, outcome: "succeeded", inputTokens: 400, outputTokens: 40, calls: 1, unknownCalls: 0 },
	]);
	expect(run.usage.byStep?.["subtask:flaky"]).toMatchObject({ unknownCalls: 1, inputTokens: 30, calls: 2 });

	// The event stream (it ends after run.completed) carries each attempt's spending as it happened.
	const stream = await (await fetch(`${dev.url}/${runId}/events`)).text();
	const spent = stream
		.split("\n\n")
		.filter((frame) => frame.includes("event: run.usage"))
		.map(
			(frame) =>
				JSON.parse(
					frame
						.split("\n")
						.find((l) => l.startsWith("data: "))!
						.slice(6),
				).data,
		);
	expect(spent.map((d) => `${d.step}#${d.attempt}:${d.outcome}`).toSorted()).toEqual(
		[
			"plan#1:succeeded",
			"subtask:flaky#1:failed",
			"subtask:flaky#2:succeeded",
			"subtask:slow#1:succeeded",
			"synthesise#1:failed",
			"synthesise#2:succeeded",
		].toSorted(),
	);
});
