// Which subtasks an ensemble applies to, and restart: redoing an ensemble subtask redoes its samples,
// not just the comparison that followed them.
import { browserSubtask, llmSubtask } from "@ow/schemas/testing";
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ensembleOf } from "@ow/schemas";
import { firstStepOf } from "../src/workflows/run-context";
import { getStatus, startRun, waitForRunStatus, watchRuns } from "./run-helpers";
import { CALL, failure, plan, scenario, synthesis, text } from "./scenario";

describe("ensemble subtasks and restart", () => {
	it("should run a subtask with the plan's ensemble over the run's, and a browser subtask once", () => {
		const vote = { mode: "vote" as const, samples: 3 };
		const planned = {
			mode: "vote" as const,
			samples: 5,
			agents: null,
			maxRounds: null,
			consensusThreshold: null,
			stances: null,
		};
		expect(ensembleOf({ ensemble: vote }, llmSubtask("q"))).toEqual(vote);
		expect(ensembleOf({ ensemble: vote }, { ...llmSubtask("q"), ensemble: planned })).toEqual({
			mode: "vote",
			samples: 5,
		});
		expect(ensembleOf({}, { ...llmSubtask("q"), ensemble: planned })).toEqual({ mode: "vote", samples: 5 });
		expect(ensembleOf({ ensemble: vote }, browserSubtask("b", "https://example.com/"))).toBeNull();
		expect(ensembleOf({}, llmSubtask("q"))).toBeNull();
	});

	it("should start redoing an ensemble subtask at its first answer", () => {
		const q = llmSubtask("q");
		expect(firstStepOf(q, { mode: "vote", samples: 3 })).toBe("subtask:q:sample:1");
		expect(firstStepOf(q, { mode: "debate", agents: 2, maxRounds: 2, consensusThreshold: 1 })).toBe(
			"subtask:q:round:1:agent:1",
		);
		expect(firstStepOf(q)).toBe("subtask:q");
	});

	it("should redo every sample of a vote whose samples all failed, with ?from=subtask:<id>", async () => {
		const s = await scenario([
			{ match: CALL.plan, replies: [plan({ subtasks: [llmSubtask("q")] })] },
			// Every sample's first call is refused for good (400); after the restart they all answer alike.
			{ match: CALL.subtask("q"), replies: [failure(400), failure(400), failure(400), text("Paris")] },
			{ match: CALL.synthesise, replies: [synthesis({ answer: "done: {{fenced}}", references: [] })] },
		]);
		await using watch = await watchRuns();
		const { id, instance } = await startRun(watch, {
			prompt: s.prompt(),
			options: { ensemble: { mode: "vote", samples: 3 } },
		});
		await instance.waitForStatus("complete");
		expect((await getStatus(id)).subtasks[0]).toMatchObject({ status: "failed", ensemble: null });

		const res = await exports.default.fetch(`http://orchestrator.test/${id}/restart?from=subtask:q`, {
			method: "POST",
		});
		expect(res.status).toBe(200);

		const run = await waitForRunStatus(id, "complete");
		expect(run.subtasks[0]).toMatchObject({
			status: "succeeded",
			output: "Paris",
			ensemble: { mode: "vote", agreement: 1, groupedBy: "text" },
		});
		expect(await s.callsOf(CALL.subtask("q"))).toBe(6);
		expect(await s.callsOf(CALL.plan)).toBe(1);
	});
});
