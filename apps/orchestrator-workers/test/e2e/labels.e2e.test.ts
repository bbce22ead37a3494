/**
 * Labels end to end, on the shared stack: runs started by `POST /` and `POST /batch` keep their own
 * labels, show them (with the deployment version, "dev" here) in their status and in `GET /runs`, and
 * `GET /runs?label=k:v&label=…` keeps exactly the runs carrying every label. Bad labels are 400s that
 * name the bad key and start nothing.
 */
import { llmSubtask } from "@ow/schemas/testing";
import { connectModelServer, readRun, startRun, waitForRun } from "@ow/testing";
import { beforeAll, describe, expect, inject, it } from "vitest";

const models = connectModelServer(inject("modelURL"));
const dev = { url: inject("devURL") };
/** Every run of this file carries `suite: <this>`, so the filters see no other file's runs. */
const suite = crypto.randomUUID();
let prompt: (text: string) => string;

beforeAll(() => {
	const id = `scn-${crypto.randomUUID()}`;
	models.defineScenario({
		id,
		rules: [
			{ match: "You are the planner", replies: [{ kind: "json", value: { subtasks: [llmSubtask("a")] } }] },
			{ match: "Your subtask", replies: [{ kind: "text", text: "noted" }] },
			{
				match: "You combine the results",
				replies: [{ kind: "json", value: { answer: "done", references: [] } }],
			},
		],
	});
	prompt = (text) => `${text} [${id}]`;
});

async function post(path: string, body: unknown) {
	const res = await fetch(`${dev.url}${path}`, {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: JSON.stringify(body),
	});
	return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string } } };
}

interface ListedRun {
	id: string;
	labels: Record<string, string>;
}

/** The ids `GET /runs` answers for these label filters (one page is enough here), and its total. */
async function listed(...labels: string[]): Promise<{ ids: string[]; total: number; runs: ListedRun[] }> {
	const query = new URLSearchParams([...labels.map((l) => ["label", l]), ["limit", "100"]]);
	const res = await fetch(`${dev.url}/runs?${query}`);
	expect(res.status).toBe(200);
	const page = (await res.json()) as { runs: ListedRun[]; total: number };
	return { ids: page.runs.map((r) => r.id).toSorted(), total: page.total, runs: page.runs };
}

describe("labels", () => {
	const runs: Record<string, string> = {};

	it("should keep each run's labels and filter GET /runs by all of them", async () => {
		const labels = {
			a: { suite, team: "search", env: "prod" },
			b: { suite, team: "search", env: "dev" },
			c: { suite, team: "ads", env: "prod", note: "a value: with colons" },
		};
		runs.a = await startRun(dev.url, { prompt: prompt("Run a."), options: { labels: labels.a } });
		runs.b = await startRun(dev.url, { prompt: prompt("Run b."), options: { labels: labels.b } });
		const batch = await post("/batch", {
			runs: [
				{ prompt: prompt("Run c."), options: { labels: labels.c } },
				{ prompt: prompt("Run d."), options: { labels: { suite, team: "search", env: "prod" } } },
				{ prompt: prompt("Run without labels.") },
			],
		});
		expect(batch.status).toBe(202);
		const started = (batch.body as unknown as { runs: { id: string }[] }).runs.map((r) => r.id);
		expect(started).toHaveLength(3);
		runs.c = started[0]!;
		runs.d = started[1]!;
		runs.unlabelled = started[2]!;

		for (const id of Object.values(runs)) await waitForRun(dev.url, id, ["complete"]);

		const a = await readRun(dev.url, runs.a);
		expect(a.labels).toEqual(labels.a);
		expect(a.deploymentVersion).toBe("dev");
		expect(a.promptVersion).not.toBe("");
		expect((await readRun(dev.url, runs.c)).labels).toEqual(labels.c);
		expect((await readRun(dev.url, runs.unlabelled)).labels).toEqual({});

		const searchProd = await listed(`suite:${suite}`, "team:search", "env:prod");
		expect(searchProd.ids).toEqual([runs.a, runs.d].toSorted());
		expect(searchProd.total).toBe(2);
		expect(searchProd.runs.find((r) => r.id === runs.a)?.labels).toEqual(labels.a);

		expect((await listed(`suite:${suite}`)).ids).toEqual([runs.a, runs.b, runs.c, runs.d].toSorted());
		expect((await listed(`suite:${suite}`, "env:prod")).ids).toEqual([runs.a, runs.c, runs.d].toSorted());
		// A value is matched whole, colons and all; a prefix matches nothing.
		expect((await listed(`suite:${suite}`, "note:a value: with colons")).ids).toEqual([runs.c]);
		expect((await listed(`suite:${suite}`, "note:a value")).ids).toEqual([]);
		expect((await listed(`suite:${suite}`, "team:search", "team:ads")).total).toBe(0);
	});

	it("should refuse bad labels with a 400 naming the key, and start nothing", async () => {
		const bad = [
			{ labels: { suite, Team: "search" }, names: "Team" },
			{ labels: { suite, "team:x": "search" }, names: "team:x" },
			{ labels: { suite, team: "x".repeat(257) }, names: "team" },
			{ labels: { suite, team: 7 }, names: "team" },
			{
				labels: Object.fromEntries([["suite", suite], ...Array.from({ length: 16 }, (_, i) => [`k${i}`, "v"])]),
				names: "16",
			},
		];
		for (const { labels, names } of bad) {
			const answer = await post("/", { prompt: prompt("Never runs."), options: { labels } });
			expect({ names, status: answer.status }).toEqual({ names, status: 400 });
			expect(answer.body.error?.code).toBe("invalid-request");
			expect(JSON.stringify(answer.body.error)).toContain(names);
		}
		const batch = await post("/batch", {
			runs: [
				{ prompt: prompt("Fine."), options: { labels: { suite } } },
				{ prompt: prompt("Bad."), options: { labels: { suite, "": "x" } } },
			],
		});
		expect(batch.status).toBe(400);
		expect(JSON.stringify(batch.body)).toContain("runs");

		for (const filter of ["team", "Team:search", ":search"]) {
			const res = await fetch(`${dev.url}/runs?label=${encodeURIComponent(filter)}`);
			expect({ filter, status: res.status }).toEqual({ filter, status: 400 });
		}
		expect((await listed(`suite:${suite}`)).total).toBe(4);
	});
});
