/**
 * Agentic browser subtasks end to end: the harness observes and acts in real Chromium, asking the
 * orchestrator (over RPC) for each action, which the scripted model answers.
 */
import type { AgentAction, RunStatus } from "@ow/schemas";
import { agenticSubtask } from "@ow/schemas/testing";
import { connectModelServer, startRun, startStaticSite, waitForRun, type Reply, type StaticSite } from "@ow/testing";
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

/** Runs one agentic subtask on the contact page with the agent's scripted actions. */
async function runAgent(
	actions: Reply[],
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
	const run = await waitForRun(dev.url, await startRun(dev.url, { prompt: `Contact them. [${id}]` }));
	return { run, stats: await models.scenarioStats(id) };
}

describe("an agentic browser subtask", () => {
	it("should fill and submit a form, then extract the confirmation shown only after the real submit", async () => {
		const { run } = await runAgent([
			act({ type: "type", ref: "e1", text: "Ada" }),
			act({ type: "type", ref: "e2", text: "ada@example.com" }),
			act({ type: "type", ref: "e3", text: "Hello" }),
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
});
