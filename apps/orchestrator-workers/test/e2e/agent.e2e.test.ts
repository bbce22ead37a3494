/**
 * Agentic browser subtasks end to end: the Workflow drives the loop, one step per decision (the
 * scripted model) and one per action (the harness, in a real Chromium session it keeps for the
 * subtask), through faults: a 429 on a decision, Chromium killed between two actions.
 */
import type { AgentAction, RunStatus } from "@ow/schemas";
import { agenticSubtask } from "@ow/schemas/testing";
import {
	chromiumBrowsersOf,
	connectModelServer,
	engineSteps,
	readRun,
	startRun,
	startStaticSite,
	waitForRun,
	type Reply,
	type StaticSite,
} from "@ow/testing";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

const models = connectModelServer(inject("modelURL"));
const dev = { url: inject("devURL") };
const AGENT = "You operate a web browser";
let site: StaticSite;

const FORM = `<!doctype html><html><head><title>Contact us</title></head><body>
<form method="post" action="/contact">
<label>Name <input name="name"></label>
<label>Email <input name="email" type="email"></label>
<label>Message <textarea name="message"></textarea></label>
<button type="submit">Send</button>
</form></body></html>`;

beforeAll(async () => {
	site = await startStaticSite({
		// The confirmation exists only in the answer to a real POST with every field filled.
		"/contact": ({ method, form }) =>
			method === "POST" && form.name && form.email && form.message
				? `<!doctype html><title>Thanks</title><p>Thank you, ${form.name}! Confirmation code: ZX-4417.</p>`
				: FORM,
	});
});

afterAll(() => site?.stop());

const act = (action: Partial<AgentAction> & Pick<AgentAction, "type">): Reply => ({
	kind: "json",
	value: { ref: null, text: null, url: null, reason: "scripted", ...action },
});

/** The actions that fill in the contact form (before it is sent with a click on e4). */
const FILL = [
	act({ type: "type", ref: "e1", text: "Ada" }),
	act({ type: "type", ref: "e2", text: "ada@example.com" }),
	act({ type: "type", ref: "e3", text: "Hello" }),
];

/** Form submissions the site has received so far. */
const submissions = () => site.posts.length;

/**
 * Runs one agentic subtask on the contact page with the agent's scripted actions; `during` runs
 * while the run is in flight, with its id.
 */
async function runAgent(
	actions: Reply[],
	during?: (runId: string) => Promise<void>,
): Promise<{ run: RunStatus; stats: Awaited<ReturnType<typeof models.scenarioStats>> }> {
	const id = `scn-${crypto.randomUUID()}`;
	// The agent's prompt carries the subtask's goal, not the user's request: the scenario id goes in both.
	const goal = `Send the contact form (name Ada, email ada@example.com, message Hello) and report the confirmation code. [${id}]`;
	await models.defineScenario({
		id,
		rules: [
			{
				match: "You are the planner",
				replies: [{ kind: "json", value: { subtasks: [agenticSubtask("contact", `${site.url}/contact`, goal)] } }],
			},
			{ match: AGENT, replies: actions },
			{
				match: "You combine the results",
				replies: [{ kind: "json", value: { answer: "{{fenced}}", references: [] } }],
			},
		],
	});
	const runId = await startRun(dev.url, { prompt: `Contact them. [${id}]` });
	await during?.(runId);
	const run = await waitForRun(dev.url, runId);
	return { run, stats: await models.scenarioStats(id) };
}

/** Waits until the run's agentic subtask has recorded `iteration` actions. */
async function untilActions(runId: string, iteration: number): Promise<void> {
	await expect
		.poll(async () => (await readRun(dev.url, runId)).subtasks[0]?.progress?.iteration ?? 0, { timeout: 60_000 })
		.toBeGreaterThanOrEqual(iteration);
}

/** Kills the Chromium processes of the shared dev server: every browser session dies with them. */
function killChromium(): void {
	const browsers = chromiumBrowsersOf(inject("devPid"));
	expect(browsers.length).toBeGreaterThan(0);
	for (const pid of browsers) process.kill(pid, "SIGKILL");
}

describe("an agentic browser subtask", () => {
	it("should fill and submit a form, then extract the confirmation shown only after the real submit", async () => {
		const { run } = await runAgent([
			...FILL,
			act({ type: "click", ref: "e4" }),
			// The scripted model "reads" the page: {{fenced}} is the fenced page text of its prompt.
			act({ type: "done", text: "{{fenced}}" }),
		]);

		expect(run.status).toBe("complete");
		const contact = run.subtasks[0]!;
		expect(contact.status).toBe("succeeded");
		expect(contact.output).toContain("Confirmation code: ZX-4417");
		expect(site.posts).toContainEqual({ name: "Ada", email: "ada@example.com", message: "Hello" });
		expect(contact.actions.map((a) => [a.action.type, a.outcome])).toEqual([
			["type", "ok"],
			["type", "ok"],
			["type", "ok"],
			["click", "ok"],
			["done", "ok"],
		]);
		expect(contact.progress).toEqual({ iteration: 5, maxIterations: 10 });
		expect(run.result?.answer).toContain("ZX-4417");
		// Its success was recorded in the release step, not in a step billed for that write alone.
		const steps = (await engineSteps(dev.url, "orchestrator-workflow", run.id)).map((s) => s.name);
		expect(steps.filter((name) => name.startsWith("record:"))).toEqual([]);
		expect(steps).toContain("subtask:contact:release");
	});

	it("should fail with agent-max-iterations and keep the actions it took", async () => {
		const { run } = await runAgent([act({ type: "scroll" })]);

		const contact = run.subtasks[0]!;
		expect(contact).toMatchObject({ status: "failed", error: { code: "agent-max-iterations" } });
		expect(contact.actions).toHaveLength(10);
		expect(contact.progress).toEqual({ iteration: 10, maxIterations: 10 });
	});

	it("should refuse an action on a missing element and an off-site navigation, reporting the first back once", async () => {
		const { run, stats } = await runAgent([
			act({ type: "click", ref: "e999" }),
			act({ type: "navigate", url: "http://127.0.0.1:9/elsewhere" }),
		]);

		const contact = run.subtasks[0]!;
		expect(contact).toMatchObject({ status: "failed", error: { code: "agent-invalid-action" } });
		expect(contact.actions.map((a) => [a.action.type, a.outcome])).toEqual([
			["click", "refused"],
			["navigate", "refused"],
		]);
		expect(contact.actions[1]!.detail).toMatch(/origin|site/i);
		// The second decision was asked with the first refusal in view.
		expect(stats.rules.find((r) => r.match === AGENT)?.lastUser).toContain("e999");
		expect(site.log).not.toContain("GET /elsewhere");
	});

	it("should retry only a decision the model answered with 429, and send the form exactly once", async () => {
		const before = submissions();
		const { run, stats } = await runAgent([
			FILL[0]!,
			{ kind: "error", status: 429, retryAfterSeconds: 1, message: "slow down" },
			FILL[1]!,
			FILL[2]!,
			act({ type: "click", ref: "e4" }),
			act({ type: "done", text: "{{fenced}}" }),
		]);

		const contact = run.subtasks[0]!;
		expect(contact).toMatchObject({ status: "succeeded", attempts: 1 });
		expect(contact.output).toContain("Confirmation code: ZX-4417");
		expect(submissions()).toBe(before + 1);
		expect(contact.actions.map((a) => [a.iteration, a.action.type, a.outcome])).toEqual([
			[1, "type", "ok"],
			[2, "type", "ok"],
			[3, "type", "ok"],
			[4, "click", "ok"],
			[5, "done", "ok"],
		]);
		// Five decisions, the second asked twice (the 429, then its step's retry); nothing else repeated.
		expect(stats?.rules.find((r) => r.match === AGENT)?.calls).toBe(6);
		expect(Object.keys(run.usage.byStep ?? {})).toEqual(
			expect.arrayContaining(["subtask:contact:decide:1", "subtask:contact:decide:2", "subtask:contact:decide:5"]),
		);
	});

	it("should rebuild the page by replay when Chromium dies between two actions, and finish", async () => {
		const before = { submissions: submissions(), loads: site.log.filter((l) => l === "GET /contact").length };
		const { run } = await runAgent(
			[...FILL, { ...act({ type: "click", ref: "e4" }), delayMs: 6_000 }, act({ type: "done", text: "{{fenced}}" })],
			async (runId) => {
				// The fourth decision takes six seconds: the session dies while the model "thinks".
				await untilActions(runId, 3);
				killChromium();
			},
		);

		const contact = run.subtasks[0]!;
		expect(contact).toMatchObject({ status: "succeeded", error: null });
		expect(contact.output).toContain("Confirmation code: ZX-4417");
		expect(submissions()).toBe(before.submissions + 1);
		expect(site.posts.at(-1)).toEqual({ name: "Ada", email: "ada@example.com", message: "Hello" });
		// Loaded once at the start and once more for the rebuild, whose replayed typing the POST carries.
		expect(site.log.filter((l) => l === "GET /contact").length).toBe(before.loads + 2);
		expect(contact.actions.map((a) => a.outcome)).toEqual(["ok", "ok", "ok", "ok", "ok"]);
	});

	it("should end session-lost, naming the form submit, when Chromium dies after it", async () => {
		const before = submissions();
		const { run } = await runAgent(
			[...FILL, act({ type: "click", ref: "e4" }), { ...act({ type: "done", text: "{{fenced}}" }), delayMs: 6_000 }],
			async (runId) => {
				await untilActions(runId, 4);
				killChromium();
			},
		);

		const contact = run.subtasks[0]!;
		expect(contact).toMatchObject({ status: "failed", error: { code: "session-lost" } });
		expect(contact.error?.message).toMatch(
			/action 4 \(click e4 "Send"\) it sent POST http:\/\/127\.0\.0\.1:\d+\/contact/,
		);
		expect(submissions()).toBe(before + 1);
		expect(contact.actions.map((a) => [a.action.type, a.outcome])).toEqual([
			["type", "ok"],
			["type", "ok"],
			["type", "ok"],
			["click", "ok"],
		]);
	});
});
