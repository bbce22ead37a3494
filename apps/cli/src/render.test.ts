import type { RunStatus, SubtaskStatus } from "@ow/client";
import { stripVTControlCharacters } from "node:util";
import { describe, expect, it } from "vitest";
import {
	ensembleText,
	finalReport,
	labelsText,
	liveView,
	planLines,
	provenanceLines,
	subtaskLine,
	usageLine,
} from "./render";

const T0 = Date.parse("2026-11-29T10:00:00.000Z");
const at = (ms: number) => new Date(T0 + ms).toISOString();
const plain = (text: string) => stripVTControlCharacters(text);

function subtask(over: Partial<SubtaskStatus>): SubtaskStatus {
	return {
		id: "a",
		title: "Read the page",
		executor: "llm",
		status: "pending",
		attempts: 0,
		dependsOn: [],
		startedAt: null,
		finishedAt: null,
		output: null,
		error: null,
		truncated: false,
		url: null,
		source: null,
		usage: null,
		progress: null,
		actions: [],
		artifacts: [],
		ensemble: null,
		...over,
	};
}

function run(over: Partial<RunStatus>): RunStatus {
	return {
		id: "run_x",
		status: "running",
		prompt: "p",
		createdAt: at(0),
		updatedAt: at(0),
		startAt: null,
		schedule: null,
		promptVersion: "1",
		deploymentVersion: "dev",
		labels: {},
		models: { provider: "openai-compatible", big: "big", small: "small" },
		options: {
			allowBrowser: true,
			approvalTimeoutMinutes: 60,
			approvePlan: false,
			failurePolicy: "bestEffort",
			maxSubtasks: 8,
			screenshots: false,
		},
		plan: null,
		subtasks: [],
		result: null,
		error: null,
		usage: { inputTokens: 120, outputTokens: 30, calls: 3, unknownCalls: 0, byModel: {} },
		cost: null,
		budget: null,
		estimate: null,
		waitingFor: null,
		timings: { planMs: null, executeMs: null, synthesiseMs: null },
		links: { self: "/run_x", events: "/run_x/events" },
		...over,
	};
}

describe("subtaskLine", () => {
	it("should show a running subtask's attempt and time so far, with the spinner frame", () => {
		const line = plain(subtaskLine(subtask({ status: "running", attempts: 2, startedAt: at(0) }), T0 + 4_250, 1));

		expect(line).toMatch(/^⠙ +a +llm +running +attempt 2 +4\.3s +Read the page$/);
	});

	it("should show how long a finished subtask took and put its error below it", () => {
		const failed = subtask({
			status: "failed",
			attempts: 4,
			executor: "browser",
			startedAt: at(1_000),
			finishedAt: at(3_000),
			error: { code: "browser-failed", message: "gone" },
		});

		expect(plain(subtaskLine(failed, T0 + 60_000))).toBe(
			`✗  a             browser  failed     attempt 4    2.0s  Read the page\n    browser-failed: gone`,
		);
	});

	it("should show an ensemble subtask's agreement: a vote's agreeing samples, a debate's rounds", () => {
		const sample = (index: number, text: string, agreed: boolean) => ({
			index,
			stance: null,
			text,
			error: null,
			agreed,
		});
		const vote = subtask({
			status: "succeeded",
			attempts: 1,
			startedAt: at(0),
			finishedAt: at(1_000),
			ensemble: {
				mode: "vote",
				agreement: 0.67,
				groupedBy: "model",
				samples: [sample(1, "Paris", true), sample(2, "paris", true), sample(3, "Lyon", false)],
			},
		});
		expect(plain(subtaskLine(vote, T0))).toMatch(/ 1\.0s  vote 2\/3 agreement 0\.67  Read the page$/);
		expect(
			ensembleText({
				mode: "debate",
				agreement: 0.5,
				consensusThreshold: 1,
				reached: false,
				rounds: [[], [], []],
				roundAgreement: [0.5, 0.5, 0.5],
			}),
		).toBe("debate 3 rounds agreement 0.50 (under 1)");
		expect(ensembleText(null)).toBe("");
		expect(ensembleText({ mode: "vote", agreement: null, groupedBy: null, samples: [sample(1, "x", false)] })).toBe(
			"vote 1 in",
		);
	});

	it("should mark a running subtask without a spinner in plain output", () => {
		expect(plain(subtaskLine(subtask({ status: "running", attempts: 1, startedAt: at(0) }), T0, null))).toMatch(
			/^» +a /,
		);
	});

	it("should show an agentic subtask's step", () => {
		const agent = subtask({
			status: "running",
			attempts: 1,
			startedAt: at(0),
			progress: { iteration: 3, maxIterations: 10 },
		});

		expect(plain(subtaskLine(agent, T0))).toContain("step 3/10");
	});
});

describe("liveView", () => {
	it("should count finished subtasks under the run's state", () => {
		const view = plain(
			liveView(
				run({
					plan: { subtasks: [] },
					subtasks: [subtask({ id: "a", status: "succeeded" }), subtask({ id: "b", status: "pending" })],
				}),
				T0 + 2_000,
			),
		);

		expect(view.split("\n")[0]).toBe("run_x  running  1/2 subtasks  2.0s");
		expect(view.split("\n")).toHaveLength(3);
	});

	it("should say planning before there is a plan", () => {
		expect(plain(liveView(run({}), T0))).toContain("planning");
	});
});

describe("finalReport", () => {
	it("should print the answer, the references and the usage with its cost", () => {
		const report = plain(
			finalReport(
				run({
					status: "complete",
					result: { answer: "Both cost $5.", references: [{ subtaskId: "a", url: "https://a.test/" }] },
					cost: { total: 0.00123, currency: "USD", byModel: {} },
				}),
			),
		);

		expect(report).toContain("Answer\nBoth cost $5.");
		expect(report).toContain("References\n  [a] https://a.test/");
		expect(report).toContain("Usage: 120 in / 30 out tokens, 3 model calls, about $0.0012");
	});

	it("should print the error of a run that failed", () => {
		const report = plain(finalReport(run({ status: "errored", error: { code: "plan-invalid", message: "bad plan" } })));

		expect(report).toContain("errored: plan-invalid: bad plan");
	});
});

describe("usageLine and planLines", () => {
	it("should show unknown token counts as ?", () => {
		expect(
			usageLine(run({ usage: { inputTokens: null, outputTokens: 5, calls: 1, unknownCalls: 0, byModel: {} } })),
		).toBe("Usage: ? in / 5 out tokens, 1 model calls");
	});

	it("should show the token budget beside the usage when the run has one", () => {
		const budget = { maxTokens: 900, maxCostUsd: null, spentTokens: 150, spentCostUsd: null, reservedTokens: 0 };
		expect(usageLine(run({ budget }))).toBe("Usage: 120 in / 30 out tokens, 3 model calls (budget 150 of 900 tokens)");
	});

	it("should list the plan with executors, URLs and dependencies", () => {
		const lines = planLines(
			run({
				plan: {
					subtasks: [
						{ id: "a", title: "Read A", executor: "browser", url: "https://a.test/", dependsOn: [], model: "small" },
						{ id: "b", title: "Compare", executor: "llm", url: null, dependsOn: ["a"], model: "big" },
					],
				},
			}),
		).map(plain);

		expect(lines).toEqual(["  a  browser https://a.test/  Read A", "  b  llm  Compare (after a)"]);
	});
});

describe("provenanceLines", () => {
	it("should list the labels in key order, then the deployment, prompt version and models", () => {
		const lines = provenanceLines(run({ labels: { team: "search", env: "prod" }, deploymentVersion: "a1b2" })).map(
			plain,
		);

		expect(lines).toEqual([
			"labels: env=prod team=search",
			"deployment a1b2 · prompts 1 · openai-compatible big / small",
		]);
	});

	it("should leave out the labels line for a run without labels", () => {
		expect(provenanceLines(run({})).map(plain)).toEqual(["deployment dev · prompts 1 · openai-compatible big / small"]);
	});
});

describe("labelsText", () => {
	it("should write labels as key=value pairs, the form ow run --label takes", () => {
		expect(labelsText({ b: "2", a: "x=y" })).toBe("a=x=y b=2");
	});
});
