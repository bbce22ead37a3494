import { env } from "cloudflare:workers";
import { llmSubtask } from "@ow/schemas/testing";
import { introspectWorkflow } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { readEvents, storeOf } from "./read-events";
import { getStatus, post, runToEnd } from "./run-helpers";
import { CALL, failure, plan, scenario, synthesis, text } from "./scenario";

const threeSubtasks = plan({ subtasks: [llmSubtask("a"), llmSubtask("b"), llmSubtask("c", ["a", "b"])] });
const answer = synthesis({ answer: "final: {{fenced}}", references: [{ subtaskId: "c", url: null }] });

describe("OrchestratorWorkflow", () => {
	it("should plan, run subtasks in dependency order and synthesise their results", async () => {
		const s = await scenario([
			{ match: CALL.plan, replies: [threeSubtasks] },
			{ match: CALL.subtask("a"), replies: [text("alpha-result")] },
			{ match: CALL.subtask("b"), replies: [text("beta-result")] },
			{ match: CALL.subtask("c"), replies: [text("c saw {{fenced}}")] },
			{ match: CALL.synthesise, replies: [answer] },
		]);
		const { status } = await runToEnd({ prompt: s.prompt() });

		expect(status.status).toBe("complete");
		expect(status.subtasks.map((t) => [t.id, t.status, t.attempts])).toEqual([
			["a", "succeeded", 1],
			["b", "succeeded", 1],
			["c", "succeeded", 1],
		]);
		// c ran after both of its dependencies and saw their outputs in its prompt.
		const [a, b, c] = status.subtasks;
		expect(c!.startedAt! >= a!.finishedAt! && c!.startedAt! >= b!.finishedAt!).toBe(true);
		expect(c!.output).toContain("alpha-result");
		expect(c!.output).toContain("beta-result");
		// Each dependency's output reaches the model under its plan title, not just its id.
		const cCall = (await s.stats()).rules.find((r) => r.match === CALL.subtask("c"))!;
		expect(cCall.lastUser).toContain('Result of "Subtask a" (a)');
		expect(cCall.lastUser).toContain('Result of "Subtask b" (b)');
		expect(status.result?.answer).toContain("alpha-result");
		expect(status.result?.references).toEqual([{ subtaskId: "c", url: null }]);
		expect(status.usage.calls).toBe(5);
		expect(status.usage.byModel.big?.calls).toBe(2);
		expect(status.usage.byModel.small?.calls).toBe(3);
		expect(Object.keys(status.usage.byStep ?? {})).toEqual(
			expect.arrayContaining(["plan", "subtask:a", "subtask:c", "synthesise"]),
		);
		const big = status.usage.byModel.big!;
		expect(status.cost?.byModel.big).toBeCloseTo((big.inputTokens! * 3 + big.outputTokens! * 15) / 1e6, 12);
		expect(status.cost?.total).toBeGreaterThan(status.cost!.byModel.big!);
		expect(status.timings.planMs).toBeTypeOf("number");
		expect(status.promptVersion).toMatch(/^\d{4}-/);
		expect(status.models).toEqual({ provider: "openai-compatible", big: "big", small: "small" });
		// Every call carried its role's output limit (set per role in vitest.config.ts).
		const maxTokens = (await s.stats()).rules.map((r) => (r.lastBody as { max_tokens?: number }).max_tokens);
		expect(maxTokens).toEqual([3001, 2002, 2002, 2002, 5005]);
	});

	it("should repair an invalid plan once, showing the model its problems", async () => {
		const cyclic = plan({ subtasks: [llmSubtask("a", ["b"]), llmSubtask("b", ["a"])] });
		const s = await scenario([
			{ match: "Your previous plan was invalid", replies: [plan({ subtasks: [llmSubtask("a")] })] },
			{ match: CALL.plan, replies: [cyclic] },
			{ match: CALL.subtask("a"), replies: [text("ok")] },
			{ match: CALL.synthesise, replies: [answer] },
		]);
		const { id, status } = await runToEnd({ prompt: s.prompt() });

		expect(status.status).toBe("complete");
		expect(status.plan?.subtasks.map((t) => t.id)).toEqual(["a"]);
		const repair = (await s.stats()).rules[0]!;
		expect(repair.calls).toBe(1);
		expect(repair.lastUser).toContain("dependency cycle: a -> b -> a");
		const planReady = (await readEvents(storeOf(id), id)).find((e) => e.type === "plan.ready");
		expect(planReady?.data).toMatchObject({ repaired: true });
	});

	it("should fail the run with plan-invalid when the repaired plan is still invalid", async () => {
		const s = await scenario([
			{ match: CALL.plan, replies: [plan({ subtasks: [llmSubtask("a", ["ghost"])] })] },
			{ match: CALL.synthesise, replies: [answer] },
		]);
		const { status, error } = await runToEnd({ prompt: s.prompt() }, "errored");

		expect(error?.message).toMatch(/\[plan-invalid\] .*unknown subtask "ghost"/);
		expect(status.status).toBe("errored");
		expect(status.error?.code).toBe("plan-invalid");
		expect(await s.callsOf(CALL.plan)).toBe(2);
		expect(await s.callsOf(CALL.synthesise)).toBe(0);
	});

	it("should retry only the failing subtask", async () => {
		const s = await scenario([
			{ match: CALL.plan, replies: [threeSubtasks] },
			{ match: CALL.subtask("a"), replies: [text("A")] },
			{ match: CALL.subtask("b"), replies: [failure(500), failure(500), text("B")] },
			{ match: CALL.subtask("c"), replies: [text("C")] },
			{ match: CALL.synthesise, replies: [answer] },
		]);
		const { id, status } = await runToEnd({ prompt: s.prompt() });

		expect(status.status).toBe("complete");
		expect(await s.callsOf(CALL.subtask("a"))).toBe(1);
		expect(await s.callsOf(CALL.subtask("b"))).toBe(3);
		expect(await s.callsOf(CALL.plan)).toBe(1);
		expect(status.subtasks.find((t) => t.id === "b")).toMatchObject({ status: "succeeded", attempts: 3, output: "B" });
		const retried = (await readEvents(storeOf(id), id)).filter((e) => e.type === "subtask.retried");
		expect(retried.map((e) => [e.data.id, e.data.attempt])).toEqual([
			["b", 1],
			["b", 2],
		]);
	});

	it("should report a failed subtask and still synthesise under bestEffort", async () => {
		const s = await scenario([
			{ match: CALL.plan, replies: [threeSubtasks] },
			{ match: CALL.subtask("a"), replies: [text("A")] },
			{ match: CALL.subtask("b"), replies: [failure(400)] },
			{ match: CALL.synthesise, replies: [answer] },
		]);
		const { status } = await runToEnd({ prompt: s.prompt() });

		expect(status.status).toBe("complete");
		const byId = Object.fromEntries(status.subtasks.map((t) => [t.id, t]));
		expect(byId.b).toMatchObject({ status: "failed", attempts: 1, error: { code: "model-rejected" } });
		expect(byId.c).toMatchObject({ status: "skipped" });
		expect(byId.c?.error?.message).toContain('"b"');
		// A 400 cannot be fixed by retrying: one call only.
		expect(await s.callsOf(CALL.subtask("b"))).toBe(1);
		expect((await s.stats()).rules.find((r) => r.match === CALL.synthesise)?.lastUser).toContain(
			"[b] Subtask b: FAILED (model-rejected",
		);
	});

	it("should end the run under failFast without synthesising", async () => {
		const s = await scenario([
			{ match: CALL.plan, replies: [threeSubtasks] },
			{ match: CALL.subtask("a"), replies: [text("A")] },
			{ match: CALL.subtask("b"), replies: [failure(400)] },
			{ match: CALL.synthesise, replies: [answer] },
		]);
		const { status, error } = await runToEnd({ prompt: s.prompt(), options: { failurePolicy: "failFast" } }, "errored");

		expect(error?.message).toContain("[subtask-failed]");
		expect(status).toMatchObject({ status: "errored", error: { code: "subtask-failed" } });
		expect(status.subtasks.find((t) => t.id === "c")?.status).toBe("skipped");
		expect(await s.callsOf(CALL.synthesise)).toBe(0);
	});

	it("should record usage a provider does not report as unknown, not zero", async () => {
		const s = await scenario([
			{ match: CALL.plan, replies: [{ kind: "json", value: { subtasks: [llmSubtask("a")] }, usage: null }] },
			{ match: CALL.subtask("a"), replies: [text("A")] },
			{ match: CALL.synthesise, replies: [answer] },
		]);
		const { status } = await runToEnd({ prompt: s.prompt() });

		expect(status.usage.inputTokens).toBeNull();
		expect(status.usage.byModel.big?.inputTokens).toBeNull();
		expect(status.usage.byModel.small?.inputTokens).toBeTypeOf("number");
	});

	it("should truncate a subtask output over the step size with a marker", async () => {
		const s = await scenario([
			{ match: CALL.plan, replies: [plan({ subtasks: [llmSubtask("a")] })] },
			{ match: CALL.subtask("a"), replies: [text("x".repeat(40_000))] },
			{ match: CALL.synthesise, replies: [answer] },
		]);
		const { status } = await runToEnd({ prompt: s.prompt() });

		const a = status.subtasks[0]!;
		expect(a.truncated).toBe(true);
		expect(a.output!.length).toBeLessThanOrEqual(32_000);
		expect(a.output).toMatch(/\[… truncated: kept 32000 of 40000 characters\]$/);
	});

	it("should fail a browser subtask with a clear error when the harness cannot be reached", async () => {
		const s = await scenario([
			{
				match: CALL.plan,
				replies: [plan({ subtasks: [{ ...llmSubtask("page"), executor: "browser", url: "https://example.com/" }] })],
			},
			{ match: CALL.synthesise, replies: [answer] },
		]);
		const { status } = await runToEnd({ prompt: s.prompt() });

		const page = status.subtasks[0]!;
		expect(page).toMatchObject({ status: "failed", error: { code: "browser-unavailable" } });
		expect(page.error?.message).toContain("BROWSER_HARNESS");
		expect(page.attempts).toBe(4);
	});

	it("should redo an outcome write that failed inside its step, without calling the model again", async () => {
		const id = `outage-${crypto.randomUUID().slice(0, 8)}`;
		const s = await scenario([
			// Slow enough for the outage below to begin before the subtask answers.
			{ match: CALL.plan, replies: [{ ...plan({ subtasks: [llmSubtask(id)] }), delayMs: 1500 }] },
			{ match: CALL.subtask(id), replies: [text("paid-for-once")] },
			{ match: CALL.synthesise, replies: [answer] },
		]);
		const warn = vi.spyOn(console, "warn");
		// Real retry delays: the record step must still be retrying when the outage ends.
		await using watch = await introspectWorkflow(env.ORCHESTRATOR_WORKFLOW);
		const res = await post("/", { prompt: s.prompt() });
		const { id: runId } = await res.json<{ id: string }>();
		// An outage of the run's store for this subtask's outcome only: every write of it fails until the trigger goes.
		await storeOf(runId)
			.prepare(
				`CREATE TRIGGER "fail-${id}" BEFORE UPDATE OF status ON subtasks
				 WHEN NEW.id = '${id}' AND NEW.status = 'succeeded' BEGIN SELECT RAISE(ABORT, 'injected outage'); END`,
			)
			.run();
		await vi.waitFor(() => expect(warn.mock.calls.flat().join("\n")).toContain("a record step will redo it"), {
			timeout: 15_000,
		});
		await storeOf(runId).prepare(`DROP TRIGGER "fail-${id}"`).run();
		await (await watch.get()).at(-1)!.waitForStatus("complete");

		const status = await getStatus(runId);
		expect(status.subtasks[0]).toMatchObject({ status: "succeeded", attempts: 1, output: "paid-for-once" });
		expect(await s.callsOf(CALL.subtask(id))).toBe(1);
		const events = await readEvents(storeOf(runId), runId);
		expect(events.filter((e) => e.type === "subtask.succeeded")).toHaveLength(1);
	});
});
