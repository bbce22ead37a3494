import { exports } from "cloudflare:workers";
import { llmSubtask } from "@ow/schemas/testing";
import { describe, expect, it } from "vitest";
import { formatMs, tickStep, timelineSvg, type TimelineAttempt } from "../src/timeline/timeline-svg";
import { runToEnd } from "./run-helpers";
import { CALL, failure, plan, scenario, synthesis, text } from "./scenario";

const T0 = 1_700_000_000_000;
const attempt = (step: string, n: number, from: number, to: number | null, outcome: TimelineAttempt["outcome"]) => ({
	step,
	attempt: n,
	startMs: T0 + from,
	endMs: to === null ? null : T0 + to,
	outcome,
});

describe("timelineSvg", () => {
	const svg = timelineSvg({
		runId: "run_<x>",
		status: "complete",
		startMs: T0,
		nowMs: T0 + 3_000,
		attempts: [
			attempt("plan", 1, 10, 400, "succeeded"),
			attempt("subtask:a", 1, 500, 700, "failed"),
			attempt("subtask:a", 2, 900, 1_400, "succeeded"),
			attempt("subtask:b:page", 1, 500, 1_100, "succeeded"),
			attempt("synthesise", 1, 1_500, null, "running"),
		],
		waits: [{ label: "plan-approval", startMs: T0 + 410, endMs: T0 + 480 }],
	});

	it("should draw a row per step in the order they started, named", () => {
		const labels = [...svg.matchAll(/class="label">([^<]+)</g)].map((m) => m[1]);

		expect(labels).toEqual(["plan", "plan-approval", "subtask:a", "subtask:b:page", "synthesise"]);
	});

	it("should draw a bar per attempt, a retried one apart from the final outcome, with a dashed backoff", () => {
		expect(svg).toContain("subtask:a attempt 1: failed, retried (200 ms)");
		expect(svg).toContain("subtask:a attempt 2: succeeded (500 ms)");
		expect(svg).toContain("synthesise attempt 1: running (running)");
		expect(svg.match(/stroke-dasharray/g)).toHaveLength(1);
		expect(svg.match(/<\/title><\/rect>/g)).toHaveLength(6);
	});

	it("should escape what it prints", () => {
		expect(svg).toContain("run_&#60;x&#62;");
		expect(svg).not.toContain("run_<x>");
	});
});

describe("axis", () => {
	it.each([
		[3_000, 500],
		[800, 100],
		[45_000, 10_000],
	])("should tick a %i ms span every %i ms", (span, step) => {
		expect(tickStep(span)).toBe(step);
	});

	it("should format durations", () => {
		expect([formatMs(250), formatMs(1_500), formatMs(42_000), formatMs(125_000)]).toEqual([
			"250 ms",
			"1.5 s",
			"42 s",
			"2 m 5 s",
		]);
	});
});

describe("GET /:id/timeline.svg", () => {
	it("should draw every step attempt of a run, a retried one as two bars", async () => {
		const s = await scenario([
			{ match: CALL.plan, replies: [plan({ subtasks: [llmSubtask("a"), llmSubtask("b")] })] },
			{ match: CALL.subtask("a"), replies: [failure(500), text("alpha")] },
			{ match: CALL.subtask("b"), replies: [text("beta")] },
			{ match: CALL.synthesise, replies: [synthesis({ answer: "done", references: [] })] },
		]);
		const { id } = await runToEnd({ prompt: s.prompt() });

		const res = await exports.default.fetch(`http://orchestrator.test/${id}/timeline.svg`);

		expect(res.status).toBe(200);
		expect(res.headers.get("content-type")).toBe("image/svg+xml; charset=utf-8");
		const svg = await res.text();
		const labels = [...svg.matchAll(/class="label">([^<]+)</g)].map((m) => m[1]);
		expect(labels).toEqual([
			"plan",
			expect.stringMatching(/^subtask:[ab]$/),
			expect.stringMatching(/^subtask:[ab]$/),
			"synthesise",
		]);
		expect(svg).toMatch(/subtask:a attempt 1: failed, retried, model-error \(\d+ ms\)/);
		expect(svg).toMatch(/subtask:a attempt 2: succeeded/);
		expect(svg).toContain(`${id} · complete`);
	});

	it("should answer 404 for a run that does not exist, and 405 for another method", async () => {
		const missing = await exports.default.fetch("http://orchestrator.test/run_00000000000000000000/timeline.svg");
		expect(missing.status).toBe(404);
		const post = await exports.default.fetch("http://orchestrator.test/run_00000000000000000000/timeline.svg", {
			method: "POST",
		});
		expect(post.status).toBe(405);
	});
});
