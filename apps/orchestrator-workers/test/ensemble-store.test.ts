// The ensemble column of a subtask: answers appended as their steps end (any order, a restart's
// answers replacing the earlier ones), then the whole ensemble written with the outcome.
import { env } from "cloudflare:workers";
import { llmSubtask } from "@ow/schemas/testing";
import { describe, expect, it } from "vitest";
import { ensembleOfRow, ensembleStatement, liveAnswerStatement } from "../src/registry/ensemble-store";
import { insertRuns } from "../src/registry/run-admission";
import { attemptStartedStatements, recordPlan } from "../src/registry/run-registry";
import { newRunId } from "../src/runs/run-id";
import { TEST_MODELS, testOptions } from "./registry-fixtures";

const at = () => new Date().toISOString();
const db = env.DB;

async function runningSubtask(): Promise<string> {
	const id = newRunId();
	await insertRuns(db, [
		{ id, prompt: "p", options: testOptions(), promptVersion: "v", models: TEST_MODELS, createdAt: at() },
	]);
	await recordPlan(db, id, { subtasks: [llmSubtask("q")] }, { clampedFrom: null, repaired: false }, at());
	await db.batch(attemptStartedStatements(db, id, "q", 1, at()));
	return id;
}

const column = async (id: string) =>
	(
		await db
			.prepare("SELECT ensemble FROM subtasks WHERE run_id = ? AND id = 'q'")
			.bind(id)
			.first<{ ensemble: string | null }>()
	)?.ensemble;

describe("ensemble store", () => {
	it("should show a vote's samples in order as they arrive, the latest of each kept", async () => {
		const id = await runningSubtask();
		expect(ensembleOfRow(await column(id))).toBeNull();
		const sample = (index: number, text: string) =>
			liveAnswerStatement(db, id, "q", { mode: "vote", round: 1, index, stance: null, text });
		await db.batch([sample(3, "Lyon")]);
		await db.batch([sample(1, "Paris")]);
		await db.batch([sample(3, "Lyon again")]); // its subtask redone after a restart

		expect(ensembleOfRow(await column(id))).toEqual({
			mode: "vote",
			agreement: null,
			groupedBy: null,
			samples: [
				{ index: 1, stance: null, text: "Paris", error: null, agreed: false },
				{ index: 3, stance: null, text: "Lyon again", error: null, agreed: false },
			],
		});
	});

	it("should show a debate's rounds, then the recorded ensemble, which a late answer does not undo", async () => {
		const id = await runningSubtask();
		const answer = (round: number, index: number) =>
			liveAnswerStatement(db, id, "q", {
				mode: "debate",
				round,
				index,
				stance: `s${index}`,
				text: `r${round}a${index}`,
			});
		await db.batch([answer(1, 2), answer(1, 1), answer(2, 1)]);
		const live = ensembleOfRow(await column(id));
		expect(live?.mode === "debate" && live.rounds.map((r) => r.map((a) => a.text))).toEqual([
			["r1a1", "r1a2"],
			["r2a1"],
		]);

		const final = {
			mode: "vote" as const,
			agreement: 1,
			groupedBy: "text" as const,
			samples: [{ index: 1, stance: null, text: "x", error: null, agreed: true }],
		};
		await db.batch([
			db.prepare("UPDATE subtasks SET status = 'succeeded' WHERE run_id = ? AND id = 'q'").bind(id),
			ensembleStatement(db, id, "q", final),
		]);
		await db.batch([answer(2, 2)]);
		expect(ensembleOfRow(await column(id))).toEqual(final);
	});
});
