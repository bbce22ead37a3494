/**
 * The budget gate's arithmetic against D1 in workerd: what fits, what a finished attempt releases,
 * that a retry replaces its step's reservation, prices, generations, and the refusal itself.
 */
import { env } from "cloudflare:workers";
import type { RunBudget } from "@ow/schemas";
import { describe, expect, it } from "vitest";
import { inBudgetScope, passBudgetGate } from "../src/budget/budget-gate";
import { readBudget, reserveBudget } from "../src/budget/budget-ledger";
import { estimateInputTokens } from "../src/budget/input-estimate";
import { readConfig } from "../src/config";
import { OrchestratorError } from "../src/errors";
import { readEvents } from "./read-events";
import { recordRestart } from "../src/registry/lifecycle";
import { insertRuns } from "../src/registry/run-admission";
import { attemptStartStatement, recordAttemptEnd } from "../src/registry/step-attempts";
import { recordAttemptUsage } from "../src/registry/usage-ledger";
import { newRunId } from "../src/runs/run-id";
import { acceptRequest } from "../src/runs/start-runs";

const at = () => new Date().toISOString();
const PRICES = { big: { inputPerMTok: 1_000, outputPerMTok: 2_000 }, small: { inputPerMTok: 1, outputPerMTok: 1 } };

const pricing = () => ({ prices: PRICES, models: ["big", "small"] });
const policy = (runId: string, stopped = false, stopOnRefusal = false) => ({
	db: env.DB,
	runId,
	prices: PRICES,
	stopped: () => stopped,
	stopOnRefusal,
});

async function runWith(budget: RunBudget | undefined): Promise<string> {
	const id = newRunId();
	const { options } = acceptRequest(readConfig(env), { prompt: "p", options: { budget } }, "", pricing);
	const models = { provider: "openai-compatible" as const, big: "big", small: "small", baseURL: null };
	await insertRuns(env.DB, [{ id, prompt: "p", options, promptVersion: "v", models, createdAt: at() }]);
	return id;
}

const reserve = (id: string, step: string, attempt: number, tokens: number, costUsd = 0) =>
	reserveBudget(env.DB, id, { step, attempt, tokens, costUsd }, PRICES, at());

/** Records what an attempt of `step` spent on the big model, as a step does when the attempt ends. */
const spend = (id: string, step: string, attempt: number, inputTokens: number, outputTokens: number) =>
	recordAttemptUsage(
		env.DB,
		id,
		{
			step,
			attempt,
			outcome: "succeeded",
			usage: { inputTokens, outputTokens, calls: 1, byModel: { big: { inputTokens, outputTokens, calls: 1 } } },
			unknownCalls: 0,
		},
		at(),
	);

describe("budget reservations", () => {
	it("should take a reservation only while spent plus reserved plus it fits the token limit", async () => {
		const id = await runWith({ maxTokens: 1_000 });
		expect(await reserve(id, "plan", 1, 600)).toBe(true);
		expect(await reserve(id, "subtask:a", 1, 401)).toBe(false);
		expect(await reserve(id, "subtask:a", 1, 400)).toBe(true); // exactly the limit
		expect(await readBudget(env.DB, id, null)).toEqual({
			maxTokens: 1_000,
			maxCostUsd: null,
			spentTokens: 0,
			spentCostUsd: null,
			reservedTokens: 1_000,
		});

		// The plan's attempt reports 11 tokens: its reservation of 600 is released in the same write.
		await spend(id, "plan", 1, 10, 1);
		expect(await readBudget(env.DB, id, null)).toMatchObject({ spentTokens: 11, reservedTokens: 400 });
		expect(await reserve(id, "subtask:b", 1, 590)).toBe(false);
		expect(await reserve(id, "subtask:b", 1, 589)).toBe(true);

		// A retry of subtask a replaces its first attempt's reservation instead of adding to it.
		expect(await reserve(id, "subtask:a", 2, 400)).toBe(true);
		expect((await readBudget(env.DB, id, null))?.reservedTokens).toBe(989);
	});

	it("should release the reservation of an attempt that ended without recording usage, and show none once the run ended", async () => {
		const id = await runWith({ maxTokens: 1_000 });
		const step = { name: "subtask:a", attempt: 1 };
		await env.DB.batch([attemptStartStatement(env.DB, id, step, at())]);
		expect(await reserve(id, "subtask:a", 1, 900)).toBe(true);
		expect(await reserve(id, "subtask:b", 1, 200)).toBe(false);
		// The attempt died with no usage written (its step timed out): its end still releases it.
		await recordAttemptEnd(env.DB, id, step, { at: at(), outcome: "failed", errorCode: "internal" });
		expect(await reserve(id, "subtask:b", 1, 200)).toBe(true);
		expect((await readBudget(env.DB, id, null))?.reservedTokens).toBe(200);
		await env.DB.prepare("UPDATE runs SET status = 'errored' WHERE id = ?").bind(id).run();
		expect((await readBudget(env.DB, id, null))?.reservedTokens).toBe(0);
	});

	it("should hold the cost limit at the deployment's prices, and price spending only with prices", async () => {
		const id = await runWith({ maxCostUsd: 0.01 });
		await spend(id, "plan", 1, 5, 0); // 5 tokens at 1000 $/MTok: $0.005
		expect(await reserve(id, "subtask:a", 1, 10, 0.004)).toBe(true);
		expect(await reserve(id, "subtask:b", 1, 10, 0.002)).toBe(false);
		expect(await readBudget(env.DB, id, PRICES)).toMatchObject({
			maxTokens: null,
			maxCostUsd: 0.01,
			spentTokens: 5,
			spentCostUsd: 0.005,
		});
		expect((await readBudget(env.DB, id, null))?.spentCostUsd).toBeNull();
		expect((await readBudget(env.DB, id, { small: PRICES.small }))?.spentCostUsd).toBeNull(); // big unpriced
	});

	it("should start a restarted run's budget afresh", async () => {
		const id = await runWith({ maxTokens: 100 });
		await spend(id, "plan", 1, 90, 0);
		expect(await reserve(id, "subtask:a", 1, 20)).toBe(false);
		await recordRestart(env.DB, id, { from: "start" }, at());
		expect(await reserve(id, "subtask:a", 1, 20)).toBe(true);
		expect(await readBudget(env.DB, id, null)).toMatchObject({ spentTokens: 0, reservedTokens: 20 });
	});

	it("should let everything through, and show no budget, for a run without limits", async () => {
		const id = await runWith(undefined);
		expect(await reserve(id, "plan", 1, 1e9)).toBe(true);
		expect(await readBudget(env.DB, id, null)).toBeNull();
	});
});

describe("the budget gate", () => {
	const call = { modelId: "big", prompt: { instructions: "Plan this.", prompt: "x".repeat(300) }, maxOutputTokens: 50 };

	it("should reserve the input estimate plus the maximum output, and refuse what does not fit", async () => {
		const needed = estimateInputTokens(call.prompt) + call.maxOutputTokens;
		const id = await runWith({ maxTokens: needed });
		await inBudgetScope(policy(id), { name: "plan", attempt: 1 }, () => passBudgetGate(call));
		expect((await readBudget(env.DB, id, null))?.reservedTokens).toBe(needed);

		const refused = await inBudgetScope(policy(id), { name: "subtask:a", attempt: 1 }, () =>
			passBudgetGate(call).catch((e: unknown) => e),
		);
		expect(refused).toBeInstanceOf(OrchestratorError);
		expect((refused as OrchestratorError).code).toBe("budget-exceeded");
		expect((refused as OrchestratorError).message).toContain(`needs up to ${needed} tokens`);
		const events = (await readEvents(env.DB, id)).filter((e) => e.type === "budget.exceeded");
		expect(events.map((e) => e.data.step)).toEqual(["subtask:a"]);
	});

	it("should stop a run for good under stop: after one refusal even a call that fits is refused", async () => {
		const needed = estimateInputTokens(call.prompt) + call.maxOutputTokens;
		const id = await runWith({ maxTokens: needed * 2 - 1 });
		const scope = (name: string) => (work: () => Promise<void>) =>
			inBudgetScope(policy(id, false, true), { name, attempt: 1 }, work);
		await scope("plan")(() => passBudgetGate(call));
		await expect(scope("subtask:a")(() => passBudgetGate(call))).rejects.toThrow(/do not fit/);
		await spend(id, "plan", 1, 1, 1); // the plan's reservation is released: a call would fit again
		await expect(scope("subtask:b")(() => passBudgetGate(call))).rejects.toThrow(OrchestratorError);
		// A restart is a new generation with its budget afresh.
		await recordRestart(env.DB, id, { from: "start" }, at());
		await expect(scope("plan")(() => passBudgetGate(call))).resolves.toBeUndefined();
	});

	it("should refuse every call once the run stopped, and gate nothing outside a scope", async () => {
		const id = await runWith({ maxTokens: 1_000_000 });
		const stopped = inBudgetScope(policy(id, true), { name: "synthesise", attempt: 1 }, () => passBudgetGate(call));
		await expect(stopped).rejects.toThrow(/the run stopped when its budget ran out/);
		await expect(passBudgetGate(call)).resolves.toBeUndefined();
		expect((await readBudget(env.DB, id, null))?.reservedTokens).toBe(0);
	});

	it("should estimate input high: a third of the characters plus the chat template", () => {
		expect(estimateInputTokens({ instructions: "", prompt: "" })).toBe(16);
		expect(estimateInputTokens({ instructions: "abc", prompt: "defg" })).toBe(16 + 3);
	});
});
