/**
 * The joined cancel check (registry/joined-gate.ts) on the real D1 binding: the checks of parallel
 * steps share one read of the run's flags and one claim, each step's writes go with them, the steps
 * of a wave wait for each other's checks, a cancel is seen by all, and one step's failing write fails
 * only that step.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { countedDb } from "./counted-db";
import { joinedGate } from "../src/registry/joined-gate";
import { insertRuns } from "../src/registry/run-admission";
import { newRunId } from "../src/runs/run-id";
import { TEST_MODELS, testOptions } from "./registry-fixtures";

const note = (key: string) => env.DB.prepare("INSERT INTO joined_gate_probe (k) VALUES (?)").bind(key);
const noted = async (key: string) =>
	(await env.DB.prepare("SELECT COUNT(*) AS n FROM joined_gate_probe WHERE k = ?").bind(key).first<{ n: number }>())!.n;

async function newRun(): Promise<string> {
	const id = newRunId(Date.now());
	const createdAt = new Date().toISOString();
	const run = { id, prompt: "p", options: testOptions(), promptVersion: "v", models: TEST_MODELS, createdAt };
	await insertRuns(env.DB, [run]);
	return id;
}

beforeAll(async () => {
	await env.DB.prepare("CREATE TABLE IF NOT EXISTS joined_gate_probe (k TEXT NOT NULL)").run();
});

describe("the joined cancel check", () => {
	it("should read the flags and claim the run once for steps that ask together, with each step's writes", async () => {
		const id = await newRun();
		const { db, batches } = countedDb();
		const gate = joinedGate(db, id);
		const gates = await Promise.all([1, 2, 3].map((n) => gate([note(`${id}:${n}`)])));
		// One flags read, three announcements, one claim.
		expect(batches).toEqual([5]);
		expect(gates).toEqual(Array.from({ length: 3 }, () => ({ cancelled: false })));
		for (const n of [1, 2, 3]) expect(await noted(`${id}:${n}`)).toBe(1);
	});

	it("should hold the first check for steps that wait for others, until the tasks queued before it ran", async () => {
		const id = await newRun();
		const { db, batches } = countedDb();
		const gate = joinedGate(db, id);
		// The engine starts a wave's steps one after another: the second asks in a later turn.
		const first = gate([note(`${id}:1`)], { waitForOthers: true });
		await Promise.resolve();
		await Promise.resolve();
		const second = gate([note(`${id}:2`)], { waitForOthers: true });
		expect(await Promise.all([first, second])).toEqual([{ cancelled: false }, { cancelled: false }]);
		// One flags read, two announcements, one claim; without waiting, the first had left alone.
		expect(batches).toEqual([4]);
		for (const n of [1, 2]) expect(await noted(`${id}:${n}`)).toBe(1);
	});

	it("should let the first check leave at once for a step that does not wait", async () => {
		const id = await newRun();
		const { db, batches } = countedDb();
		const gate = joinedGate(db, id);
		const first = gate([note(`${id}:1`)]);
		await Promise.resolve();
		await Promise.resolve();
		const second = gate([note(`${id}:2`)]);
		await Promise.all([first, second]);
		expect(batches).toEqual([3, 3]);
	});

	it("should show a cancel made while the checks wait for each other to all of them", async () => {
		const id = await newRun();
		const gate = joinedGate(env.DB, id);
		const waiting = [gate([], { waitForOthers: true }), gate([], { waitForOthers: true })];
		await env.DB.prepare("UPDATE runs SET cancel_requested = 1 WHERE id = ?").bind(id).run();
		expect((await Promise.all(waiting)).map((g) => g.cancelled)).toEqual([true, true]);
	});

	it("should tell every step of a cancelled run so", async () => {
		const id = await newRun();
		await env.DB.prepare("UPDATE runs SET cancel_requested = 1 WHERE id = ?").bind(id).run();
		const gate = joinedGate(env.DB, id);
		const gates = await Promise.all([gate([]), gate([])]);
		expect(gates.map((g) => g.cancelled)).toEqual([true, true]);
	});

	it("should fail only the step whose write fails", async () => {
		const id = await newRun();
		const gate = joinedGate(env.DB, id);
		const [good, bad] = await Promise.allSettled([
			gate([note(`${id}:good`)]),
			gate([env.DB.prepare("INSERT INTO no_such_table VALUES (1)")]),
		]);
		expect(good).toMatchObject({ status: "fulfilled", value: { cancelled: false } });
		expect(bad.status).toBe("rejected");
		expect(await noted(`${id}:good`)).toBe(1);
	});
});
