/**
 * The web page's logic without a browser: how progress events move the run on, how a fresh status
 * merges with what events already said, and the page's texts. The e2e test drives the page itself.
 */
import { EMPTY_RUN_USAGE, EMPTY_TIMINGS, runStateSchema, type ProgressEvent } from "@ow/schemas";
import { describe, expect, it } from "vitest";
import { ApiError } from "../web/src/api-error";
import {
	budgetText,
	describeError,
	estimateText,
	isTerminal,
	nextStreamedText,
	runIdFromHash,
	shortPrompt,
	usageText,
} from "../web/src/format";
import { ensembleView } from "../web/src/ensemble-view";
import { applyEvent, mergeRun, RUN_STATES, type ViewRun, type ViewSubtask } from "../web/src/run-events";

const subtask = (id: string, fields: Partial<ViewSubtask> = {}): ViewSubtask => ({
	id,
	title: `Title ${id}`,
	executor: "llm",
	url: null,
	status: "pending",
	attempts: 0,
	output: null,
	error: null,
	...fields,
});

function run(fields: Partial<ViewRun> = {}): ViewRun {
	return {
		id: "run_1",
		status: "running",
		prompt: "p",
		createdAt: "2026-01-01T00:00:00.000Z",
		updatedAt: "2026-01-01T00:00:00.000Z",
		promptVersion: "v",
		deploymentVersion: "dev",
		labels: {},
		budget: null,
		estimate: null,
		waitingFor: null,
		startAt: null,
		schedule: null,
		models: { provider: "openai-compatible", big: "b", small: "s" },
		options: {
			maxSubtasks: 8,
			failurePolicy: "bestEffort",
			allowBrowser: true,
			screenshots: false,
			approvePlan: false,
			approvalTimeoutMinutes: 60,
		},
		plan: null,
		subtasks: [],
		result: null,
		error: null,
		usage: EMPTY_RUN_USAGE,
		cost: null,
		timings: EMPTY_TIMINGS,
		links: { self: "/run_1", events: "/run_1/events" },
		...fields,
	};
}

const event = (type: ProgressEvent["type"], data: Record<string, unknown>) => ({ type, data });

describe("applyEvent", () => {
	it("should list the plan's subtasks, keeping what events said of them before", () => {
		const r = run({ subtasks: [subtask("b", { status: "running", attempts: 1 })] });
		const plan = {
			subtasks: [
				{ id: "a", title: "First", executor: "llm", url: null, dependsOn: [] },
				{ id: "b", title: "Second", executor: "browser", url: "https://example.com/", dependsOn: ["a"] },
			],
		};
		const said = applyEvent(r, event("plan.ready", { plan }), { decided: false });
		expect(said).toBe("Plan ready: 2 subtasks");
		expect(r.subtasks.map((t) => [t.id, t.title, t.executor, t.status, t.attempts])).toEqual([
			["a", "First", "llm", "pending", 0],
			["b", "Second", "browser", "running", 1],
		]);
		expect(r.plan?.subtasks.map((t) => t.dependsOn)).toEqual([[], ["a"]]);
	});

	it("should move a subtask on and never back, whatever order events come in", () => {
		const r = run({ subtasks: [subtask("a")] });
		const state = { decided: false };
		expect(applyEvent(r, event("subtask.started", { id: "a", attempt: 1 }), state)).toBe("Subtask a started");
		expect(applyEvent(r, event("subtask.succeeded", { id: "a", attempts: 2 }), state)).toBe("Subtask a succeeded");
		applyEvent(r, event("subtask.started", { id: "a", attempt: 1 }), state); // replayed after a reconnect
		expect(r.subtasks[0]).toMatchObject({ status: "succeeded", attempts: 2 });
	});

	it("should add a subtask it has not heard of, and keep a retry's error while it runs", () => {
		const r = run();
		const said = applyEvent(
			r,
			event("subtask.retried", { id: "x", step: "read", attempt: 1, error: { code: "timeout", message: "slow" } }),
			{ decided: false },
		);
		expect(said).toBe("Subtask x read attempt 1 failed; retrying");
		expect(r.subtasks).toEqual([subtask("x", { title: "x", retryError: { code: "timeout", message: "slow" } })]);
	});

	it("should give a skipped subtask its reason as the error", () => {
		const r = run({ subtasks: [subtask("a")] });
		applyEvent(r, event("subtask.skipped", { id: "a", reason: "dependency b failed" }), { decided: false });
		expect(r.subtasks[0]).toMatchObject({
			status: "skipped",
			error: { code: "skipped", message: "dependency b failed" },
		});
	});

	it("should keep a finished run finished and clear the plan decision once the run moves on", () => {
		const r = run({ status: "waiting" });
		const state = { decided: true };
		expect(applyEvent(r, event("run.status", { status: "waiting" }), state)).toBe(
			"Run waiting: the plan needs your approval",
		);
		expect(state.decided).toBe(true);
		applyEvent(r, event("run.status", { status: "running" }), state);
		expect(state.decided).toBe(false);
		applyEvent(r, event("run.completed", { result: { answer: "42", references: [] } }), state);
		expect(r).toMatchObject({ status: "complete", result: { answer: "42", references: [] } });
		applyEvent(r, event("run.status", { status: "running" }), state); // late
		expect(r.status).toBe("complete");
	});

	it("should take the error of an errored run, and ignore data it cannot read", () => {
		const r = run();
		expect(
			applyEvent(r, event("run.errored", { error: { code: "model-failed", message: "no" } }), { decided: false }),
		).toBe("Run errored: no");
		expect(r).toMatchObject({ status: "errored", error: { code: "model-failed", message: "no" } });
		expect(applyEvent(r, event("run.status", { status: "sideways" }), { decided: false })).toBeNull();
		expect(applyEvent(r, event("subtask.started", { id: 7 }), { decided: false })).toBeNull();
		expect(applyEvent(r, event("run.usage", {}), { decided: false })).toBeNull();
		expect(r.status).toBe("errored");
	});
});

describe("mergeRun", () => {
	it("should take the fresh status as it is when no event arrived during the read", () => {
		const fresh = run({ status: "running", subtasks: [subtask("a", { status: "running", output: null })] });
		const old = run({ status: "complete", subtasks: [subtask("a", { status: "succeeded" })] });
		expect(mergeRun(old, fresh, false)).toEqual(fresh);
	});

	it("should keep what events moved further during the read", () => {
		const old = run({
			status: "complete",
			subtasks: [subtask("a", { status: "succeeded" }), subtask("b", { status: "running" })],
		});
		const fresh = run({
			status: "running",
			subtasks: [subtask("a", { status: "running", output: "partial" }), subtask("b", { status: "failed" })],
		});
		const merged = mergeRun(old, fresh, true);
		expect(merged.status).toBe("complete");
		expect(merged.subtasks.map((t) => [t.id, t.status, t.output])).toEqual([
			["a", "succeeded", "partial"],
			["b", "failed", null],
		]);
	});
});

describe("the page's texts", () => {
	it("should spell out usage, unreported calls and the estimated cost", () => {
		const usage = { ...EMPTY_RUN_USAGE, inputTokens: 120, outputTokens: 40, calls: 3, unknownCalls: 1 };
		expect(usageText(usage, null)).toBe("Tokens: 120 in, 40 out · 1 call unreported");
		const cost = { currency: "USD" as const, total: 0.00123, byModel: {} };
		expect(usageText({ ...usage, unknownCalls: 2 }, cost)).toBe(
			"Tokens: 120 in, 40 out · 2 calls unreported · about $0.0012",
		);
		expect(usageText({ ...usage, unknownCalls: 0 }, { ...cost, total: null })).toBe("Tokens: 120 in, 40 out");
	});

	it("should cut long prompts to one line of the runs list", () => {
		expect(shortPrompt("short")).toBe("short");
		const cut = shortPrompt("x".repeat(200));
		expect(cut).toHaveLength(120);
		expect(cut.endsWith("…")).toBe(true);
	});

	it("should read only run ids from the address bar's hash", () => {
		expect(runIdFromHash("#run_abc123")).toBe("run_abc123");
		expect(runIdFromHash("#subtask-a")).toBeNull();
		expect(runIdFromHash("")).toBeNull();
	});

	it("should describe an API error with its code, status and the request's issues", () => {
		const error = new ApiError(400, "invalid-request", "Bad body", [
			{ path: "options.maxSubtasks", message: "Too big" },
			{ message: "Prompt is empty" },
			"not an issue",
		]);
		expect(describeError(error)).toEqual({
			message: "Bad body (invalid-request, HTTP 400)",
			issues: ["options.maxSubtasks: Too big", "Prompt is empty"],
		});
		expect(describeError(new ApiError(0, "network", "Unreachable"))).toEqual({ message: "Unreachable", issues: [] });
		expect(describeError("plain")).toEqual({ message: "plain", issues: [] });
	});

	it("should know every run state, and which ones are final", () => {
		expect([...RUN_STATES]).toEqual(runStateSchema.options);
		expect(RUN_STATES.filter(isTerminal)).toEqual(["complete", "errored", "terminated"]);
	});
});

describe("the budget's texts and events", () => {
	const budget = { maxTokens: 9500, maxCostUsd: null, spentTokens: 5200, spentCostUsd: null, reservedTokens: 4200 };

	it("should say what was spent and reserved, and what to do while the run waits for a raise", () => {
		expect(budgetText(run({ budget }))).toBe("Budget: 5200 of 9500 tokens spent, 4200 reserved by calls in flight");
		expect(budgetText(run({ budget, status: "waiting", waitingFor: "budget" }))).toContain(
			"raise the budget with POST /run_1/budget",
		);
		expect(budgetText(run())).toBe("");
	});

	it("should state the plan's estimate, with its cost when prices are known", () => {
		expect(estimateText({ tokens: 12000, costUsd: null })).toBe("Estimated at most 12000 tokens");
		expect(estimateText({ tokens: 12000, costUsd: 0.0123 })).toBe("Estimated at most 12000 tokens (about $0.0123)");
		expect(estimateText(null)).toBe("");
	});

	it("should wait for a budget after budget.exceeded under ask, and forget it once the run moves on", () => {
		const waiting = run({ options: { ...run().options, onBudgetExceeded: "ask" } });
		expect(applyEvent(waiting, event("budget.exceeded", { message: "over" }), { decided: false })).toBe(
			"Budget exceeded: over",
		);
		expect(waiting.waitingFor).toBe("budget");
		expect(applyEvent(waiting, event("run.status", { status: "waiting" }), { decided: false })).toBe(
			"Run waiting: its budget needs raising",
		);
		applyEvent(waiting, event("run.status", { status: "running" }), { decided: false });
		expect(waiting.waitingFor).toBeNull();
	});
});

describe("the answer as it is written", () => {
	it("should add each delta's text and start over at a reset", () => {
		let text = "";
		text = nextStreamedText(text, event("synthesis.delta", { text: "Two " }));
		text = nextStreamedText(text, event("synthesis.delta", { text: "ferries" }));
		expect(text).toBe("Two ferries");
		text = nextStreamedText(text, event("synthesis.reset", {}));
		expect(text).toBe("");
		expect(nextStreamedText("kept", event("synthesis.delta", { text: 7 }))).toBe("kept");
	});
});

describe("ensembleView", () => {
	const answer = (index: number, text: string | null, agreed: boolean, stance: string | null = null) => ({
		index,
		stance,
		text,
		error: text === null ? { code: "model-rejected", message: "refused" } : null,
		agreed,
	});

	it("should put a vote's samples side by side, marking the agreeing ones and a failed one", () => {
		const view = ensembleView({
			mode: "vote",
			agreement: 0.67,
			groupedBy: "model",
			samples: [answer(1, "Paris", true), answer(2, "Paris!", true), answer(3, null, false)],
		});
		expect(view?.summary).toBe("Vote: 2 of 3 samples agree (67%, grouped by the big model)");
		expect(view?.rows).toEqual([
			{
				label: "Samples",
				answers: [
					{ heading: "Sample 1 · agrees", text: "Paris", agreed: true, failed: false },
					{ heading: "Sample 2 · agrees", text: "Paris!", agreed: true, failed: false },
					{ heading: "Sample 3", text: "Failed: refused", agreed: false, failed: true },
				],
			},
		]);
	});

	it("should show a debate as a row per round with its agreement, and nothing without an ensemble", () => {
		const view = ensembleView({
			mode: "debate",
			agreement: 1,
			consensusThreshold: 0.75,
			reached: true,
			rounds: [
				[answer(1, "A", true, "a sceptic"), answer(2, "B", false)],
				[answer(1, "A", true, "a sceptic"), answer(2, "A", true)],
			],
			roundAgreement: [0.5, 1],
		});
		expect(view?.summary).toBe(
			"Debate: 2 rounds, agreement 100%, reached the threshold of 75%; a judge wrote the output",
		);
		expect(view?.rows.map((r) => [r.label, r.answers.map((a) => a.heading)])).toEqual([
			["Round 1 · agreement 50%", ["Agent 1 (a sceptic) · agrees", "Agent 2"]],
			["Round 2 · agreement 100%", ["Agent 1 (a sceptic) · agrees", "Agent 2 · agrees"]],
		]);
		expect(ensembleView(null)).toBeNull();
	});
});

describe("ensembleView while the answers come in", () => {
	it("should count the samples in so far, and name the debate's round under way", () => {
		const answer = (index: number) => ({ index, stance: null, text: "x", error: null, agreed: false });
		expect(ensembleView({ mode: "vote", agreement: null, groupedBy: null, samples: [answer(2)] })?.summary).toBe(
			"Vote: 1 sample in so far",
		);
		const debate = ensembleView({
			mode: "debate",
			agreement: null,
			consensusThreshold: null,
			reached: null,
			rounds: [[answer(1), answer(2)], [answer(1)]],
			roundAgreement: [],
		});
		expect(debate?.summary).toBe("Debate: round 2 under way");
		expect(debate?.rows.map((r) => r.label)).toEqual(["Round 1", "Round 2"]);
	});
});
