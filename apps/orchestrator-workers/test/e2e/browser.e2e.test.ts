/**
 * Browser subtasks end to end: the orchestrator plans two pages, the harness reads them in real
 * Chromium (wrangler's local Browser Rendering), and facts found only on those pages reach the answer.
 */
import { browserSubtask } from "@ow/schemas/testing";
import { connectModelServer, startRun, startStaticSite, waitForRun, type StaticSite } from "@ow/testing";
import { afterAll, beforeAll, expect, inject, it } from "vitest";

const models = connectModelServer(inject("modelURL"));
const dev = { url: inject("devURL") };
let site: StaticSite;

const page = (title: string, fact: string) =>
	`<!doctype html><html><head><title>${title}</title></head><body><h1>${title}</h1><p>${fact}</p><a href="/other">other</a></body></html>`;

beforeAll(async () => {
	site = await startStaticSite({
		"/capybara": page("Capybara festival", "The capybara festival is held every March in Puerto Quimera."),
		"/tea": page("Zebra tea", "A pot of zebra tea costs 42 florins at the Blue Lantern."),
	});
});

afterAll(() => site?.stop());

it("should read two local pages in parallel browser subtasks and carry their facts into the answer", async () => {
	const id = `scn-${crypto.randomUUID()}`;
	const urls = [`${site.url}/capybara`, `${site.url}/tea`];
	await models.defineScenario({
		id,
		rules: [
			{
				match: "You are the planner",
				replies: [
					{
						kind: "json",
						value: { subtasks: [browserSubtask("festival", urls[0]!), browserSubtask("tea", urls[1]!)] },
					},
				],
			},
			// The scripted worker repeats what it read; the scripted synthesiser repeats what the workers said.
			{ match: "Answer only from the page content", replies: [{ kind: "text", text: "{{fenced}}" }] },
			{
				match: "You combine the results",
				replies: [
					{ kind: "json", value: { answer: "{{fenced}}", references: [{ subtaskId: "festival", url: urls[0] }] } },
				],
			},
		],
	});

	const run = await waitForRun(
		dev.url,
		await startRun(dev.url, { prompt: `Compare ${urls.join(" and ")} [${id}]`, options: { screenshots: true } }),
	);

	expect(run.status).toBe("complete");
	expect(run.plan?.subtasks.map((t) => [t.executor, t.url])).toEqual([
		["browser", urls[0]],
		["browser", urls[1]],
	]);
	expect(run.subtasks.map((t) => [t.status, t.source?.title])).toEqual([
		["succeeded", "Capybara festival"],
		["succeeded", "Zebra tea"],
	]);
	expect(run.result?.answer).toContain("Puerto Quimera");
	expect(run.result?.answer).toContain("42 florins");
	expect(site.log).toEqual(expect.arrayContaining(["GET /capybara", "GET /tea"]));

	const artifact = run.subtasks[0]!.artifacts[0]!;
	const image = await fetch(`${dev.url}${artifact.href}`);
	expect(image.status).toBe(200);
	expect(image.headers.get("content-type")).toMatch(/^image\//);
	expect([...new Uint8Array(await image.arrayBuffer()).slice(0, 2)]).toEqual([0xff, 0xd8]); // JPEG
	expect((await fetch(`${dev.url}/${run.id}/artifacts/screenshots/other/x.jpg`)).status).toBe(404);

	const pool = await (await fetch(`${dev.url}/orchestrator/pool`)).json();
	expect(pool).toMatchObject({ launched: expect.any(Number), size: expect.any(Number) });
	expect((pool as { launched: number }).launched).toBeGreaterThanOrEqual(1);
});
