/**
 * A browser subtask is two steps: the page (subtask:<id>:page), then the model's answer from it
 * (subtask:<id>). End to end, in real Chromium: a model call that fails after the page was read is
 * retried without loading the page again, and a page too long to keep in a step's output reaches the
 * model through R2.
 */
import { browserSubtask } from "@ow/schemas/testing";
import { connectModelServer, startRun, startStaticSite, waitForRun, type Reply, type StaticSite } from "@ow/testing";
import { afterAll, beforeAll, expect, inject, it } from "vitest";

const models = connectModelServer(inject("modelURL"));
const dev = { url: inject("devURL") };
let site: StaticSite;

const FACT = "The ferry to Isla Quimera leaves at 07:40 from pier 9.";
const LONG_FACT = "Смотритель маяка живёт на острове Верити с 1911 года.";
// About 19 000 characters of two-byte text: under the harness's 20 000-character cut, over the 32 KiB
// a step keeps inline. The fact comes first and a marker last, so both must survive the trip.
const LONG_TEXT = `${LONG_FACT} ${"Длинный текст страницы. ".repeat(780)} КОНЕЦ-СТРАНИЦЫ`;

beforeAll(async () => {
	site = await startStaticSite({
		"/ferry": `<!doctype html><title>Ferry times</title><h1>Ferry times</h1><p>${FACT}</p>`,
		"/long": `<!doctype html><title>Long page</title><p>${LONG_TEXT}</p>`,
	});
});

afterAll(() => site?.stop());

/** Scripts a plan of one browser subtask on `url` whose answer calls reply `answers` in turn. */
async function startPageRun(url: string, answers: Reply[]) {
	const id = `scn-${crypto.randomUUID()}`;
	await models.defineScenario({
		id,
		rules: [
			{ match: "You are the planner", replies: [{ kind: "json", value: { subtasks: [browserSubtask("page", url)] } }] },
			{ match: "Answer only from the page content", replies: answers },
			{
				match: "You combine the results",
				replies: [{ kind: "json", value: { answer: "{{fenced}}", references: [] } }],
			},
		],
	});
	return { scenario: id, runId: await startRun(dev.url, { prompt: `Read ${url} [${id}]` }) };
}

it("should retry a failed answer without loading the page again", async () => {
	const url = `${site.url}/ferry`;
	const { scenario, runId } = await startPageRun(url, [
		{ kind: "error", status: 500, message: "scripted 500" },
		{ kind: "text", text: "{{fenced}}" },
	]);

	const run = await waitForRun(dev.url, runId);

	expect(run.status).toBe("complete");
	expect(run.subtasks[0]).toMatchObject({ status: "succeeded", attempts: 2, source: { title: "Ferry times" } });
	expect(run.subtasks[0]!.output).toContain(FACT);
	// The model was called twice; the site saw the page once.
	const stats = await models.scenarioStats(scenario);
	expect(stats.rules[1]!.calls).toBe(2);
	expect(site.log.filter((line) => line === "GET /ferry")).toHaveLength(1);
	// The failed call counts, as a call whose usage nobody reported.
	expect(run.usage.unknownCalls).toBe(1);
	expect(run.usage.byStep?.["subtask:page"]?.attempts.map((a) => [a.attempt, a.outcome, a.unknownCalls])).toEqual([
		[1, "failed", 1],
		[2, "succeeded", 0],
	]);
	expect(run.usage.byStep?.["subtask:page:page"]).toBeUndefined(); // reading a page calls no model
});

it("should pass a page too long for a step's output to the model through R2", async () => {
	const url = `${site.url}/long`;
	const { runId } = await startPageRun(url, [{ kind: "text", text: "{{fenced}}" }]);

	const run = await waitForRun(dev.url, runId);

	expect(run.status).toBe("complete");
	const output = run.subtasks[0]!.output ?? "";
	expect(output).toContain(LONG_FACT);
	expect(output).toContain("КОНЕЦ-СТРАНИЦЫ");
	expect(site.log.filter((line) => line === "GET /long")).toHaveLength(1);
});
