/**
 * Per-run budgets through the real path: the gate before every model call (D1 reservations in
 * `wrangler dev`), `stop` and `ask`, the budget in the status, and bad input. The scripted model
 * server counts the calls and tokens it served, which is what the budget is held against.
 */
import type { RunStatus } from "@ow/schemas";
import { llmSubtask } from "@ow/schemas/testing";
import { connectModelServer } from "@ow/testing";
import { describe, expect, inject, it } from "vitest";

const models = connectModelServer(inject("modelURL"));
const dev = { url: inject("devURL") };
const tokens = (prompt_tokens: number, completion_tokens: number) => ({ prompt_tokens, completion_tokens });
type Usage = ReturnType<typeof tokens>;
const JSON_TYPE = { "content-type": "application/json" };

const post = (path: string, body: unknown) =>
	fetch(`${dev.url}${path}`, { method: "POST", headers: JSON_TYPE, body: JSON.stringify(body) });
const read = async (id: string) => (await (await fetch(`${dev.url}/${id}`)).json()) as RunStatus;

async function start(body: unknown): Promise<string> {
	const res = await post("/", body);
	if (res.status !== 202) throw new Error(`POST / answered ${res.status}: ${await res.text()}`);
	return ((await res.json()) as { id: string }).id;
}

async function waitFor(id: string, done: (run: RunStatus) => boolean): Promise<RunStatus> {
	let run = await read(id);
	for (let i = 0; i < 300 && !done(run); i++) {
		await new Promise((r) => setTimeout(r, 100));
		run = await read(id);
	}
	if (!done(run)) throw new Error(`run ${id} did not get there; last status:\n${JSON.stringify(run, null, 2)}`);
	return run;
}
const ended = (run: RunStatus) => ["complete", "errored", "terminated"].includes(run.status);

/** A chain a -> b -> c (so the gate sees one subtask at a time), each answer reporting `subtaskUsage`. */
async function chainScenario(planUsage: Usage, subtaskUsage: Usage): Promise<string> {
	const id = `scn-${crypto.randomUUID()}`;
	const plan = { subtasks: [llmSubtask("a"), llmSubtask("b", ["a"]), llmSubtask("c", ["b"])] };
	await models.defineScenario({
		id,
		rules: [
			{ match: "You are the planner", replies: [{ kind: "json", value: plan, usage: planUsage }] },
			{ match: "Your subtask:", replies: [{ kind: "text", text: "done", usage: subtaskUsage }] },
			{
				match: "You combine the results",
				replies: [{ kind: "json", value: { answer: "all done", references: [] }, usage: tokens(50, 5) }],
			},
		],
	});
	return id;
}

describe("run budgets", () => {
	it("should start no model call at all under a 1-token budget", async () => {
		const scn = await chainScenario(tokens(100, 10), tokens(10, 1));
		const id = await start({ prompt: `Tiny budget. [${scn}]`, options: { budget: { maxTokens: 1 } } });
		const run = await waitFor(id, ended);
		expect(run.status).toBe("errored");
		expect(run.error?.code).toBe("budget-exceeded");
		expect((await models.scenarioStats(scn)).calls).toBe(0);
		expect(run.budget).toMatchObject({ maxTokens: 1, spentTokens: 0, reservedTokens: 0 });
	});

	it("should stop when the budget covers the plan and some subtasks, keeping their results", async () => {
		// Plan spends 110; each subtask 3010. A subtask's reservation is its input estimate plus 4096
		// output tokens (4.2k-6k here), so a and b fit 9500 and c does not: 110 + 2 * 3010 + 4.2k > 9500.
		const scn = await chainScenario(tokens(100, 10), tokens(3000, 10));
		const id = await start({ prompt: `Partial budget. [${scn}]`, options: { budget: { maxTokens: 9_500 } } });
		const run = await waitFor(id, ended);
		expect(run.status).toBe("errored");
		expect(run.error?.code).toBe("budget-exceeded");
		expect(run.subtasks.map((t) => [t.id, t.status, t.output])).toEqual([
			["a", "succeeded", "done"],
			["b", "succeeded", "done"],
			["c", "skipped", null],
		]);
		const stats = await models.scenarioStats(scn);
		expect(stats.calls).toBe(3); // plan, a, b: c and the synthesis never reached the model
		expect(stats.tokensServed).toBeLessThanOrEqual(9_500);
		expect(run.budget).toEqual({
			maxTokens: 9_500,
			maxCostUsd: null,
			spentTokens: stats.tokensServed,
			spentCostUsd: null,
			reservedTokens: 0,
		});
		expect(run.estimate?.tokens).toBeGreaterThan(9_500); // the plan was estimated to need more
		const events = await (await fetch(`${dev.url}/${id}/events`)).text();
		expect(events).toContain("event: budget.exceeded");
	});

	it("should let parallel subtasks reserve only what fits together, and let the calls in flight finish", async () => {
		const scn = `scn-${crypto.randomUUID()}`;
		const plan = { subtasks: [llmSubtask("a"), llmSubtask("b"), llmSubtask("c")] };
		await models.defineScenario({
			id: scn,
			rules: [
				{ match: "You are the planner", replies: [{ kind: "json", value: plan, usage: tokens(100, 10) }] },
				// Slow answers, so the three subtasks are at the gate while the others' calls are in flight.
				{ match: "Your subtask:", replies: [{ kind: "text", text: "done", delayMs: 2_000, usage: tokens(10, 1) }] },
			],
		});
		// Each reservation is 4.2k-6k tokens (input estimate + 4096): two fit in 12100 beside the plan's 110, three do not.
		const id = await start({ prompt: `Parallel budget. [${scn}]`, options: { budget: { maxTokens: 12_100 } } });
		const live = await waitFor(id, (r) => (r.budget?.reservedTokens ?? 0) > 8_000 || ended(r));
		expect(live.status).toBe("running");
		expect(live.budget!.spentTokens + live.budget!.reservedTokens).toBeLessThanOrEqual(12_100);

		const run = await waitFor(id, ended);
		expect(run.error?.code).toBe("budget-exceeded");
		const states = run.subtasks.map((t) => t.status).toSorted();
		expect(states).toEqual(["skipped", "succeeded", "succeeded"]);
		const stats = await models.scenarioStats(scn);
		expect(stats.calls).toBe(3); // the plan and the two that fit; both finished after the third was refused
		expect(run.budget).toMatchObject({ spentTokens: stats.tokensServed, reservedTokens: 0 });
	});

	it("should change nothing under a large budget", async () => {
		const scn = await chainScenario(tokens(100, 10), tokens(3000, 10));
		const id = await start({ prompt: `Large budget. [${scn}]`, options: { budget: { maxTokens: 10_000_000 } } });
		const run = await waitFor(id, ended);
		expect(run.status).toBe("complete");
		expect(run.result?.answer).toBe("all done");
		const stats = await models.scenarioStats(scn);
		expect(stats.calls).toBe(5);
		expect(run.budget).toMatchObject({ maxTokens: 10_000_000, spentTokens: stats.tokensServed, reservedTokens: 0 });
		// Not waiting for a budget: a raise is a 409 and changes nothing.
		const raise = await post(`/${id}/budget`, { maxTokens: 20_000_000 });
		expect(raise.status).toBe(409);
		expect(((await raise.json()) as { error: { code: string } }).error.code).toBe("conflict");
		expect((await read(id)).budget?.maxTokens).toBe(10_000_000);
	});

	it("should wait under ask until POST /:id/budget raises the budget, then complete", async () => {
		// The plan spends 3010 of 7000; subtask a's reservation (4.2k or more) does not fit.
		const scn = await chainScenario(tokens(3000, 10), tokens(10, 1));
		const id = await start({
			prompt: `Ask for more. [${scn}]`,
			options: { budget: { maxTokens: 7_000 }, onBudgetExceeded: "ask" },
		});
		const waiting = await waitFor(id, (r) => r.status === "waiting" || ended(r));
		expect(waiting).toMatchObject({ status: "waiting", waitingFor: "budget" });
		expect((await models.scenarioStats(scn)).calls).toBe(1);

		// A raise that lowers the limit, or a plan approval, is refused and the run still waits.
		const lower = await post(`/${id}/budget`, { maxTokens: 5_000 });
		expect(lower.status).toBe(400);
		expect(await lower.text()).toContain("must be above the current 7000");
		expect((await post(`/${id}/approve`, { approved: true })).status).toBe(409);
		expect(await read(id)).toMatchObject({ status: "waiting", waitingFor: "budget" });

		const raised = await post(`/${id}/budget`, { maxTokens: 100_000 });
		expect(raised.status).toBe(202);
		const run = await waitFor(id, ended);
		expect(run.status).toBe("complete");
		expect(run.subtasks.every((t) => t.status === "succeeded")).toBe(true);
		expect(run.budget).toMatchObject({ maxTokens: 100_000, reservedTokens: 0 });
		const events = await (await fetch(`${dev.url}/${id}/events`)).text();
		expect(events).toContain("event: budget.raised");
	});

	it.each([
		["a zero token budget", { budget: { maxTokens: 0 } }, "maxTokens"],
		["a negative token budget", { budget: { maxTokens: -5 } }, "maxTokens"],
		["a zero cost budget", { budget: { maxCostUsd: 0 } }, "maxCostUsd"],
		["a cost budget without MODEL_PRICES", { budget: { maxCostUsd: 0.5 } }, 'no price for "big", "small"'],
		["an unknown policy", { budget: { maxTokens: 10 }, onBudgetExceeded: "pray" }, "onBudgetExceeded"],
	])("should refuse %s with a 400 and start nothing", async (_name, options, mentions) => {
		const res = await post("/", { prompt: "Never runs.", options });
		expect(res.status).toBe(400);
		const body = (await res.json()) as { error: { code: string; message: string } };
		expect(body.error.code).toBe("invalid-request");
		expect(`${body.error.message} ${JSON.stringify(body.error)}`).toContain(mentions);
	});

	it("should refuse a malformed raise with a 400 before looking at the run", async () => {
		for (const body of [{}, { maxTokens: 0 }, { maxCostUsd: -1 }, { maxTokens: 10, more: 1 }]) {
			const res = await post(`/run_0000000000zzzzzzzzzzzzzzzz/budget`, body);
			expect(res.status).toBe(400);
		}
	});
});
