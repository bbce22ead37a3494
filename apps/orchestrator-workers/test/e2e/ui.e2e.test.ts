/**
 * The web page in a real Chromium against a real `wrangler dev` and the scripted model server: start a
 * run from the form, watch it live, read the answer, approve a plan, cancel a run, list the runs.
 */
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { browserSubtask, llmSubtask } from "@ow/schemas/testing";
import {
	connectModelServer,
	REPO_ROOT,
	startProductStack,
	startStaticSite,
	type Reply,
	type StaticSite,
	type WranglerDev,
} from "@ow/testing";
import { chromium, type Browser, type Locator, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

const PLANNER = "You are the planner";
const SYNTHESISER = "You combine the results";
const SCREENSHOT = path.join(REPO_ROOT, "test-artifacts", "ui-finished.png");
const DEMO_SCREENSHOT = path.join(REPO_ROOT, "test-artifacts", "ui-demo.png");
const TIMELINE_SCREENSHOT = path.join(REPO_ROOT, "test-artifacts", "ui-timeline.png");
const subtask = (id: string) => `Your subtask: Subtask ${id}\n`;
/**
 * Runs in the page before its own script: records every state a subtask card displays, as
 * "<card id>:<state>", so a state shown for a moment is not missed on a slow machine.
 */
const RECORD_SUBTASK_STATES = `
	window.__subtaskStates = [];
	const note = (card, state) => card && window.__subtaskStates.push(card.id + ":" + state);
	new MutationObserver((records) => {
		for (const record of records) {
			for (const node of record.addedNodes) {
				if (node.nodeType === Node.TEXT_NODE && node.parentElement?.matches("article .status"))
					note(node.parentElement.closest("article"), node.data);
				else if (node.nodeType === Node.ELEMENT_NODE)
					for (const badge of node.querySelectorAll("article .status")) note(badge.closest("article"), badge.textContent);
			}
		}
	}).observe(document, { childList: true, subtree: true });
`;
const models = connectModelServer(inject("modelURL"));
const dev = { url: inject("devURL") };
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
	browser = await chromium.launch({
		executablePath: "/usr/bin/chromium",
		args: [
			"--no-sandbox",
			"--headless=new",
			"--disable-gpu",
			"--disable-background-networking",
			"--disable-component-update",
			"--disable-sync",
			"--no-first-run",
		],
	});
	page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
	// Generous: the machine may be busy with other tests, and every wait ends as soon as it can.
	page.setDefaultTimeout(30_000);
	await page.addInitScript(RECORD_SUBTASK_STATES);
	page.on("pageerror", (error) => pageErrors.push(String(error)));
	// Everything the page loads comes from the dev server; anything else would be a bug (and is refused).
	await page.route(
		(url) => url.hostname !== "127.0.0.1" && url.protocol !== "data:",
		(route) => route.abort(),
	);
	await page.goto(`${dev.url}/ui`);
});

afterAll(() => browser?.close());

/** Registers a scenario whose planner answers `plan` and whose subtasks answer after `delayMs`. */
async function defineScenario(options: { planReply?: Reply; delayMs?: number; answer?: string } = {}) {
	const id = `scn-${crypto.randomUUID()}`;
	const plan = { subtasks: [llmSubtask("alpha"), llmSubtask("beta"), llmSubtask("gamma", ["alpha", "beta"])] };
	await models.defineScenario({
		id,
		rules: [
			{ match: PLANNER, replies: [options.planReply ?? { kind: "json", value: plan }] },
			...["alpha", "beta", "gamma"].map((t) => ({
				match: subtask(t),
				replies: [{ kind: "text" as const, text: `result ${t}`, delayMs: options.delayMs ?? 0 }],
			})),
			{
				match: SYNTHESISER,
				replies: [
					{
						kind: "json",
						value: {
							answer: options.answer ?? "Alpha and beta, combined by gamma.",
							references: [
								{ subtaskId: "alpha", url: null },
								{ subtaskId: "gamma", url: null },
							],
						},
					},
				],
			},
		],
	});
	return id;
}

/** Fills the form and starts a run; resolves with the run's region once the page shows it. */
async function startFromForm(
	prompt: string,
	approvePlan = false,
	where: Page = page,
): Promise<{ id: string; run: Locator }> {
	await where.getByLabel("Prompt", { exact: true }).fill(prompt);
	await where.getByLabel("Let me approve the plan before it runs").setChecked(approvePlan);
	const before = where.url();
	await where.getByRole("button", { name: "Start run" }).click();
	await where.waitForURL((url) => url.href !== before && /^#run_[0-9a-z]+$/.test(url.hash));
	const id = new URL(where.url()).hash.slice(1);
	const run = where.getByRole("region", { name: `Run ${id}` });
	await run.waitFor();
	return { id, run };
}

/** Saves a full-page screenshot for people to look at, and checks it is a real PNG. */
async function keepScreenshot(of: Page, file: string) {
	mkdirSync(path.dirname(file), { recursive: true });
	await of.screenshot({ path: file, fullPage: true });
	const png = readFileSync(file);
	expect(png.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
	expect(png.length).toBeGreaterThan(5_000);
}

const card = (run: Locator, id: string) => run.getByRole("article", { name: `Subtask ${id}` });
const stateOf = (run: Locator, id: string) => card(run, id).locator(".status");

describe("the web page", () => {
	it("should show the API's error for an invalid request", async () => {
		// Whitespace passes the browser's `required` check; the API rejects it.
		await page.getByLabel("Prompt", { exact: true }).fill("   ");
		await page.getByRole("button", { name: "Start run" }).click();
		const alert = page.getByRole("alert").filter({ hasText: "prompt must not be empty" });
		await alert.waitFor();
		expect(await alert.textContent()).toContain("invalid-request");
		expect(page.url()).not.toContain("#run_");
	});

	it("should start a run, show its plan and live subtask states, then the answer with references", async () => {
		const scenario = await defineScenario({ delayMs: 1000 });
		await page.getByLabel("Max subtasks").fill("3");
		const { run } = await startFromForm(`Two facts and a summary, please. [${scenario}]`);

		await card(run, "alpha").waitFor();
		expect(await run.getByRole("article").count()).toBe(3);
		for (const id of ["alpha", "beta", "gamma"]) {
			await stateOf(run, id).filter({ hasText: "succeeded" }).waitFor();
		}
		await run.getByText("Status: complete").waitFor();
		// A real (here: scripted, OpenAI-compatible) provider is never labelled as the demo model.
		expect(await run.getByText("demo model: scripted answers").isVisible()).toBe(false);
		// Each card showed its subtask running, live, before it showed it succeeded.
		const shown = (await page.evaluate("window.__subtaskStates")) as string[];
		const runningThenSucceeded = (id: string) => {
			const states = shown.filter((s) => s.startsWith(`subtask-${id}:`)).map((s) => s.split(":")[1]);
			return states.includes("running") && states.lastIndexOf("running") < states.indexOf("succeeded");
		};
		expect(["alpha", "beta", "gamma"].filter((id) => !runningThenSucceeded(id))).toEqual([]);

		const answer = run.getByRole("region", { name: "Answer" });
		await answer.getByText("Alpha and beta, combined by gamma.").waitFor();
		expect(await answer.getByRole("link").allTextContents()).toEqual(["alpha", "gamma"]);
		await card(run, "alpha").getByText("result alpha").waitFor();
		expect(await card(run, "alpha").getByText("Attempts").isVisible()).toBe(true);
		expect(await run.getByRole("button", { name: "Cancel run" }).isVisible()).toBe(false);

		// A reference moves focus to its subtask's card and keeps the run in the address bar.
		const url = page.url();
		await answer.getByRole("link", { name: "gamma" }).click();
		expect(await page.evaluate("document.activeElement.getAttribute('aria-labelledby')")).toBe("subtask-gamma-title");
		expect(page.url()).toBe(url);

		await keepScreenshot(page, SCREENSHOT);
	});

	it("should wait for the plan's approval and run once it is approved", async () => {
		const { run } = await startFromForm(`Plan first, then ask me. [${await defineScenario()}]`, true);
		const approval = run.getByRole("region", { name: "Approve the plan" });
		await approval.waitFor();
		await run.getByText("Status: waiting").waitFor();
		expect(await run.getByRole("article").count()).toBe(3);
		await approval.getByRole("button", { name: "Approve plan" }).click();
		await run.getByText("Status: complete").waitFor();
		expect(await approval.isVisible()).toBe(false);
	});

	it("should show the plan's estimate beside the plan before approval, and the budget live", async () => {
		await page.getByLabel("Token budget").fill("1000000");
		const { run } = await startFromForm(`Estimate first, then ask me. [${await defineScenario()}]`, true);
		await page.getByLabel("Token budget").fill("");
		await run.getByRole("region", { name: "Approve the plan" }).waitFor();
		const estimate = run.getByText(/^Estimated at most \d+ tokens$/);
		await estimate.waitFor();
		// Beside the plan: in the plan's section, while the run still waits for the approval.
		expect(
			await run
				.getByRole("region", { name: "Plan" })
				.getByText(/^Estimated at most/)
				.count(),
		).toBe(1);
		const budget = run.getByText(/^Budget: \d+ of 1000000 tokens spent$/);
		await budget.waitFor();
		const spent = Number(/Budget: (\d+)/.exec((await budget.textContent()) ?? "")?.[1]);
		expect(spent).toBeGreaterThan(0); // the plan's tokens
		expect(Number(/(\d+) tokens$/.exec((await estimate.textContent()) ?? "")?.[1])).toBeGreaterThan(spent);
		await run.getByRole("button", { name: "Approve plan" }).click();
		await run.getByText("Status: complete").waitFor();
	});

	it("should draw the run's timeline live: valid SVG naming every step, a retried attempt apart", async () => {
		const site = await startStaticSite({ "/otters": "<title>Otters</title><p>Sea otters hold hands.</p>" });
		try {
			const id = `scn-${crypto.randomUUID()}`;
			await models.defineScenario({
				id,
				rules: [
					{
						match: PLANNER,
						replies: [
							{
								kind: "json",
								value: { subtasks: [llmSubtask("alpha"), browserSubtask("otters", `${site.url}/otters`)] },
							},
						],
					},
					{
						match: subtask("alpha"),
						replies: [
							{ kind: "error", status: 500, message: "scripted outage" },
							{ kind: "text", text: "result alpha", delayMs: 500 },
						],
					},
					{ match: "Answer only from the page content", replies: [{ kind: "text", text: "{{fenced}}" }] },
					{ match: SYNTHESISER, replies: [{ kind: "json", value: { answer: "Both done.", references: [] } }] },
				],
			});
			const { id: runId, run } = await startFromForm(`Read and retry. [${id}]`);
			const timeline = run.getByRole("img", { name: "The run's steps against time: a bar per attempt" });
			await timeline.waitFor(); // shown while the run runs, redrawn as it goes
			await run.getByText("Status: complete").waitFor();

			// The document itself: well-formed SVG (Chromium's own XML parser), a row per step.
			const parsed = (await page.evaluate(`(async () => {
				const text = await (await fetch(${JSON.stringify(`/${runId}/timeline.svg`)})).text();
				const doc = new DOMParser().parseFromString(text, "image/svg+xml");
				return {
					error: doc.querySelector("parsererror")?.textContent ?? null,
					root: doc.documentElement.nodeName,
					labels: [...doc.querySelectorAll("text.label")].map((t) => t.textContent),
					bars: [...doc.querySelectorAll("rect > title")].map((t) => t.textContent),
				};
			})()`)) as { error: string | null; root: string; labels: string[]; bars: string[] };
			expect(parsed.error).toBeNull();
			expect(parsed.root).toBe("svg");
			expect(parsed.labels.toSorted()).toEqual(
				["plan", "subtask:alpha", "subtask:otters", "subtask:otters:page", "synthesise"].toSorted(),
			);
			expect(parsed.bars.filter((b) => b.startsWith("subtask:alpha "))).toEqual([
				expect.stringMatching(/^subtask:alpha attempt 1: failed, retried, model-error/),
				expect.stringMatching(/^subtask:alpha attempt 2: succeeded/),
			]);
			// The page shows the finished run's timeline (redrawn after the last step).
			await expect
				.poll(() => timeline.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth))
				.toBeGreaterThan(0);
			mkdirSync(path.dirname(TIMELINE_SCREENSHOT), { recursive: true });
			await timeline.screenshot({ path: TIMELINE_SCREENSHOT });
			expect(readFileSync(TIMELINE_SCREENSHOT).subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
		} finally {
			await site.stop();
		}
	});

	it("should cancel a running run, reopen it after a reload, and list every run", async () => {
		// The planner never answers, so the run is still running when it is cancelled.
		const { id, run } = await startFromForm(
			`This one gets cancelled. [${await defineScenario({ planReply: { kind: "hang" } })}]`,
		);
		const cancel = run.getByRole("button", { name: "Cancel run" });
		await cancel.waitFor();
		await cancel.click();
		await run.getByText("Status: terminated").waitFor();
		expect(await cancel.isVisible()).toBe(false);

		await page.reload();
		await run.getByText("Status: terminated").waitFor();
		expect(await run.getByText("This one gets cancelled.").isVisible()).toBe(true);

		const list = page.getByRole("list", { name: "Past runs" });
		const item = (text: string) => list.getByRole("listitem").filter({ hasText: text });
		await item("This one gets cancelled.").filter({ hasText: "terminated" }).waitFor();
		await item("Two facts and a summary").filter({ hasText: "complete" }).waitFor();
		expect(await list.getByRole("link", { name: /This one gets cancelled/ }).getAttribute("href")).toBe(`#${id}`);

		// The status filter asks the API for one state only. (Other test files share this server, so
		// the list holds their runs too: assert on this file's runs and on the statuses shown.)
		await page.getByLabel("Show").selectOption("terminated");
		await expect
			.poll(async () => (await list.getByRole("listitem").allTextContents()).every((t) => t.includes("terminated")), {
				timeout: 15_000,
			})
			.toBe(true);
		await item("This one gets cancelled.").waitFor();
		expect(await item("Two facts and a summary").count()).toBe(0);
		await page.getByLabel("Show").selectOption("");
		await item("Two facts and a summary").filter({ hasText: "complete" }).waitFor();
		await item("This one gets cancelled.").waitFor();

		// Opening a listed run from the list shows it.
		await list.getByRole("link", { name: /Two facts and a summary/ }).click();
		await page
			.getByRole("region", { name: /^Run run_/ })
			.getByText("Status: complete")
			.waitFor();
		expect(pageErrors).toEqual([]);
	});
});

describe("a labelled run on the web page", () => {
	it("should show the run's labels and the deployment, prompt version and models that ran it", async () => {
		const scenario = await defineScenario({ planReply: { kind: "hang" } });
		const res = await fetch(`${dev.url}/`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ prompt: `Labelled. [${scenario}]`, options: { labels: { team: "search", env: "prod" } } }),
		});
		const { id } = (await res.json()) as { id: string };
		try {
			await page.goto(`${dev.url}/ui#${id}`);
			const provenance = page.getByRole("region", { name: `Run ${id}` }).locator("#run-provenance");
			await provenance.getByText("env=prod").waitFor();
			const chips = await provenance.locator(".label").allTextContents();
			expect(chips).toEqual(["env=prod", "team=search"]);
			expect(await provenance.textContent()).toMatch(/deployment dev · prompts \S+ · big \/ small$/);
		} finally {
			await fetch(`${dev.url}/${id}`, { method: "DELETE" });
		}
		expect(pageErrors).toEqual([]);
	});
});

describe("the web page with an ensemble", () => {
	it("should show a vote's samples side by side, the agreeing ones marked, with the agreement", async () => {
		const id = `scn-${crypto.randomUUID()}`;
		await models.defineScenario({
			id,
			rules: [
				{ match: PLANNER, replies: [{ kind: "json", value: { subtasks: [llmSubtask("alpha")] } }] },
				{ match: "You compare several answers", replies: [{ kind: "json", value: { groups: [[1, 3], [2]] } }] },
				{ match: SYNTHESISER, replies: [{ kind: "json", value: { answer: "Paris.", references: [] } }] },
				...["Paris", "Lyon", "Paris"].map((text, i) => ({
					match: subtask("alpha"),
					seed: i + 1,
					replies: [{ kind: "text" as const, text }],
				})),
			],
		});
		const res = await fetch(`${dev.url}/`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ prompt: `Vote. [${id}]`, options: { ensemble: { mode: "vote", samples: 3 } } }),
		});
		const run = (await res.json()) as { id: string };
		await page.goto(`${dev.url}/ui#${run.id}`);
		const ensemble = card(page.getByRole("region", { name: `Run ${run.id}` }), "alpha").getByRole("region", {
			name: "Ensemble of subtask alpha",
		});
		await ensemble.getByText("Vote: 2 of 3 samples agree (67%, grouped by the big model)").waitFor();
		expect(await ensemble.locator("figure figcaption").allTextContents()).toEqual([
			"Sample 1 · agrees",
			"Sample 2",
			"Sample 3 · agrees",
		]);
		expect(await ensemble.locator("figure pre").allTextContents()).toEqual(["Paris", "Lyon", "Paris"]);
		// Side by side: the three samples share one row.
		const tops = await ensemble
			.locator("figure")
			.evaluateAll((figures) => figures.map((f) => f.getBoundingClientRect().top));
		expect(new Set(tops).size).toBe(1);
		expect(pageErrors).toEqual([]);
	});
});

describe("the web page on the demo model", () => {
	const PAGE_TEXT = "Sea otters hold hands while they sleep.";
	let demo: WranglerDev;
	let site: StaticSite;
	let demoPage: Page;

	beforeAll(async () => {
		site = await startStaticSite({ "/otters": `<!doctype html><title>Otters</title><p>${PAGE_TEXT}</p>` });
		// What `nx dev` runs when no model is set up: MODEL_PROVIDER=demo (the base URL is never called).
		demo = await startProductStack("http://127.0.0.1:9/v1", { MODEL_PROVIDER: "demo" });
		demoPage = await browser.newPage({ viewport: { width: 1100, height: 900 } });
		demoPage.setDefaultTimeout(30_000);
		demoPage.on("pageerror", (error) => pageErrors.push(String(error)));
		await demoPage.goto(`${demo.url}/ui`);
	});

	afterAll(async () => {
		await demoPage?.close();
		await demo?.stop();
		await site?.stop();
	});

	it("should label a demo run with a visible badge and show the page's text in its answer", async () => {
		const { run } = await startFromForm(`What does ${site.url}/otters say?`, false, demoPage);
		await run.getByText("Status: complete").waitFor({ timeout: 90_000 });
		const badge = run.getByText("demo model: scripted answers");
		expect(await badge.isVisible()).toBe(true);
		const answer = run.getByRole("region", { name: "Answer" });
		await answer.getByText(PAGE_TEXT, { exact: false }).waitFor();
		expect(await answer.getByRole("link").allTextContents()).toContain("page-1");
		await keepScreenshot(demoPage, DEMO_SCREENSHOT);
		expect(pageErrors).toEqual([]);
	});
});
