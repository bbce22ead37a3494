import { introspectWorkflow } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { AgentAction, AgentPageView, AgentStep, BrowsedPage } from "@ow/schemas";
import { agenticSubtask } from "@ow/schemas/testing";
import type { Reply } from "@ow/testing";
import { describe, expect, it } from "vitest";
import { getStatus, post, waitForRunStatus } from "./run-helpers";
import { CALL, failure, plan, scenario, synthesis } from "./scenario";

// The Workflow's side of an agentic subtask: the loop of decide and act steps. The harness's steps
// (open, act) are mocked by name, since this pool has no browser (the e2e target drives them in real
// Chromium); the decisions are real calls to the scripted model server, routed to the scenario by
// its id in the page text the mocked open step "observed".

const AGENT = "You operate a web browser";
const START = "https://shop.test/contact";
const typed: AgentAction = { type: "type", ref: "e1", text: "Ada", url: null, reason: "scripted" };
const done: AgentAction = { type: "done", ref: null, text: "Thanks, Ada", url: null, reason: "scripted" };
const decision = (action: AgentAction): Reply => ({ kind: "json", value: action });
const ok = (iteration: number, action: AgentAction): AgentStep => ({ iteration, action, outcome: "ok", detail: null });
const finalPage: BrowsedPage = {
	requestedUrl: START,
	finalUrl: START,
	title: "Thanks",
	text: "Thank you, Ada!",
	truncated: false,
	links: [],
	screenshotKey: null,
	blocked: null,
};

/**
 * Runs one agentic subtask whose decisions the model answers with `decisions`, the harness's steps
 * mocked; `then` acts on the finished run while its instance is still watched.
 */
async function runAgentic(decisions: Reply[], then?: (id: string) => Promise<void>) {
	const task = agenticSubtask("form", START, "Send the contact form as Ada.");
	const s = await scenario([
		{ match: CALL.plan, replies: [plan({ subtasks: [task] })] },
		{ match: AGENT, replies: decisions },
		{ match: CALL.synthesise, replies: [synthesis({ answer: "done: {{fenced}}", references: [] })] },
	]);
	const view: AgentPageView = {
		url: START,
		title: "Contact",
		elements: [{ ref: "e1", role: "textbox", name: "Name", tag: "input", inputType: "text", value: null }],
		text: `Contact us [${s.id}]`,
	};
	await using watch = await introspectWorkflow(env.ORCHESTRATOR_WORKFLOW);
	await watch.modifyAll(async (m) => {
		await m.disableRetryDelays();
		await m.mockStepResult(
			{ name: "subtask:form:open" },
			{ leaseId: "L1", view, attempt: 1, at: "2026-01-01T00:00:00.000Z" },
		);
		await m.mockStepResult(
			{ name: "subtask:form:act:1" },
			{ step: ok(1, typed), view, page: null, at: "2026-01-01T00:00:01.000Z" },
		);
		// This pool's harness binding is not an RPC entrypoint: releasing the session is left out too.
		await m.mockStepResult({ name: "subtask:form:release" }, null);
		await m.mockStepResult(
			{ name: "subtask:form:act:2" },
			{ step: ok(2, done), view: null, page: finalPage, at: "2026-01-01T00:00:02.000Z" },
		);
	});
	const res = await post("/", { prompt: s.prompt() });
	const { id } = await res.json<{ id: string }>();
	const instance = (await watch.get()).at(-1)!;
	await instance.waitForStatus("complete");
	await then?.(id);
	return { status: await getStatus(id), calls: await s.callsOf(AGENT) };
}

describe("an agentic subtask in the Workflow", () => {
	it("should decide and act step by step, retrying only a decision that failed, and spend each decision's usage", async () => {
		const { status, calls } = await runAgentic([decision(typed), failure(500), decision(done)]);

		expect(status.status).toBe("complete");
		expect(status.subtasks[0]).toMatchObject({
			status: "succeeded",
			output: "Thanks, Ada",
			source: { url: START, title: "Thanks" },
		});
		expect(calls).toBe(3); // decision 1, decision 2 (a 500), decision 2 again
		const byStep = status.usage.byStep ?? {};
		expect(Object.keys(byStep)).toEqual(
			expect.arrayContaining(["subtask:form:decide:1", "subtask:form:decide:2", "synthesise"]),
		);
		expect(byStep).not.toHaveProperty("subtask:form");
		// The 500 counts too: a call made, its usage unknown.
		expect(status.usage.byModel.small?.calls).toBe(3);
		expect(status.usage.unknownCalls).toBe(1);
		expect(byStep["subtask:form:decide:2"]?.attempts?.map((a) => a.outcome)).toEqual(["failed", "succeeded"]);
	});

	it("should fail the subtask with agent-invalid-action after two unusable decisions, acting on neither", async () => {
		const unusable: Reply = { kind: "json", value: { type: "teleport" } };
		const { status, calls } = await runAgentic([unusable, unusable]);

		expect(status.status).toBe("complete"); // bestEffort: the run goes on without it
		expect(status.subtasks[0]).toMatchObject({ status: "failed", error: { code: "agent-invalid-action" } });
		expect(status.subtasks[0]?.error?.message).toMatch(/twice in a row/);
		expect(calls).toBe(2);
	});

	it("should redo a failed agentic subtask from its open step with ?from=subtask:<id>", async () => {
		const unusable: Reply = { kind: "json", value: { type: "teleport" } };
		const { status, calls } = await runAgentic([unusable, unusable, decision(typed), decision(done)], async (id) => {
			const res = await post(`/${id}/restart?from=subtask:form`, {});
			expect(await res.json()).toMatchObject({ restartedFrom: "subtask:form" });
			await waitForRunStatus(id, "complete");
		});

		expect(status.subtasks[0]).toMatchObject({ status: "succeeded", output: "Thanks, Ada" });
		expect(calls).toBe(4); // the failed loop's two decisions, then the redone loop's two
	});
});
