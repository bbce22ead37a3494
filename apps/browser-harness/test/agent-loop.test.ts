import { AGENT_LIMITS, type AgentAction } from "@ow/schemas";
import { describe, expect, it } from "vitest";
import { newTrace, runAgentLoop, type AgentLoopOptions, type PageView } from "../src/agent-loop";
import { action, FakeAgentPage, scriptedAgent } from "./fakes";

const START = "https://shop.example.com/contact";

const view: PageView = {
	url: START,
	title: "Contact",
	elements: [
		{ ref: "e1", role: "textbox", name: "Name", tag: "input", inputType: "text", value: null },
		{ ref: "e2", role: "textbox", name: "Password", tag: "input", inputType: "password", value: null },
		{ ref: "e3", role: "checkbox", name: "Subscribe", tag: "input", inputType: "checkbox", value: "not checked" },
		{ ref: "e4", role: "button", name: "Send", tag: "button", inputType: null, value: null },
		{ ref: "e5", role: "button", name: "Upload", tag: "input", inputType: "file", value: null },
		{ ref: "e6", role: "link", name: "Help", tag: "a", inputType: null, value: null },
	],
	text: "Contact us",
};

function options(overrides: Partial<AgentLoopOptions> = {}): AgentLoopOptions {
	return {
		maxIterations: 10,
		deadline: Date.now() + 10_000,
		origins: new Set(["https://shop.example.com", "https://docs.example.com"]),
		policy: { allowPrivate: false },
		...overrides,
	};
}

async function run(script: Parameters<typeof scriptedAgent>[0], overrides: Partial<AgentLoopOptions> = {}) {
	const page = new FakeAgentPage(view);
	const agent = scriptedAgent(script);
	const trace = newTrace();
	const outcome = await runAgentLoop(page, agent, options(overrides), trace).then(
		(result) => ({ result, error: null }),
		(error: unknown) => ({ result: null, error }),
	);
	return { page, agent, trace, ...outcome };
}

describe("runAgentLoop", () => {
	it("should perform each action and finish with done's text as the answer", async () => {
		const { result, page, agent } = await run([
			action("type", { ref: "e1", text: "Ada" }),
			action("click", { ref: "e4" }),
			action("done", { text: "Sent." }),
		]);
		expect(result).toMatchObject({ answer: "Sent.", iterations: 3 });
		expect(result?.actions.map((s) => [s.iteration, s.action.type, s.outcome])).toEqual([
			[1, "type", "ok"],
			[2, "click", "ok"],
			[3, "done", "ok"],
		]);
		expect(page.performed.map((a) => a.type)).toEqual(["type", "click", "done"]);
		expect(agent.reported.map((s) => [s.iteration, s.maxIterations])).toEqual([
			[1, 10],
			[2, 10],
			[3, 10],
		]);
	});

	it("should give the model the iteration, the page and its earlier steps", async () => {
		const { agent } = await run([action("scroll"), action("done")], { maxIterations: 4 });
		expect(agent.seen[0]).toEqual({ iteration: 1, maxIterations: 4, ...view, lastError: null, history: [] });
		expect(agent.seen[1]?.history).toEqual([{ iteration: 1, action: action("scroll"), outcome: "ok", detail: null }]);
	});

	it("should answer with what extract recorded when done has no text", async () => {
		const { result } = await run([
			action("extract", { text: "Price: 5 EUR" }),
			action("extract", { text: "Delivery: 2 days" }),
			action("done"),
		]);
		expect(result?.answer).toBe("Price: 5 EUR\n\nDelivery: 2 days");
	});

	it("should answer null when nothing was extracted and done has no text", async () => {
		expect((await run([action("done")])).result?.answer).toBeNull();
	});

	it("should cut an over-long answer with a visible marker", async () => {
		const { result } = await run([action("done", { text: "x".repeat(AGENT_LIMITS.maxAnswerChars + 10) })]);
		expect(result?.answer).toMatch(/\[truncated: showing 8000 of 8010 characters\]$/);
	});

	describe.each<[string, AgentAction, RegExp]>([
		["a ref not in the list", action("click", { ref: "e99" }), /e99 is not in the current element list/],
		["a missing ref", action("click"), /click needs ref/],
		["typing into a password field", action("type", { ref: "e2", text: "hunter2" }), /password field/],
		[
			"typing more than the bound",
			action("type", { ref: "e1", text: "a".repeat(AGENT_LIMITS.maxTypedChars + 1) }),
			/501 characters; at most 500/,
		],
		["typing into a checkbox", action("type", { ref: "e3", text: "yes" }), /not a text field/],
		["typing into a link", action("type", { ref: "e6", text: "yes" }), /not a text field/],
		["selecting in a button", action("select", { ref: "e4", text: "A" }), /not a drop-down/],
		["clicking a file input", action("click", { ref: "e5" }), /file uploads are not supported/],
		["navigating to another site", action("navigate", { url: "https://evil.example/" }), /another site/],
		["navigating to a non-http URL", action("navigate", { url: "javascript:alert(1)" }), /scheme javascript:/],
		["navigating to a private address", action("navigate", { url: "http://169.254.169.254/" }), /not a public/],
		["navigating without a url", action("navigate"), /navigate needs url/],
		["extracting nothing", action("extract", { text: " " }), /extract needs text/],
	])("a refused action: %s", (_name, refused, reason) => {
		it("should be refused without touching the page, reported once, then end the loop on the second", async () => {
			const { error, trace, page, agent } = await run([refused, refused, action("done")]);
			expect(error).toMatchObject({ code: "agent-invalid-action", recoverable: false });
			expect(page.performed).toEqual([]);
			expect(trace.steps.map((s) => [s.iteration, s.outcome])).toEqual([
				[1, "refused"],
				[2, "refused"],
			]);
			expect(trace.steps[0]?.detail).toMatch(reason);
			expect(agent.seen[1]?.lastError).toMatch(reason);
			expect(agent.reported).toHaveLength(2);
			expect(trace.acted).toBe(false);
		});
	});

	it("should resolve a relative navigate and allow the listed origins", async () => {
		const { result, page } = await run([
			action("navigate", { url: "/faq" }),
			action("navigate", { url: "https://docs.example.com/a" }),
			action("done"),
		]);
		expect(result?.actions.map((s) => s.outcome)).toEqual(["ok", "ok", "ok"]);
		expect(page.performed.map((a) => a.url)).toEqual(["/faq", "https://docs.example.com/a", null]);
	});

	it("should count a refusal by the page (a download, a link off-site) like any refusal", async () => {
		const page = new FakeAgentPage(view);
		page.outcomes.push(
			{ outcome: "refused", detail: "downloads are not allowed; https://shop.example.com/a.zip was blocked" },
			{ outcome: "refused", detail: "the page tried to leave for a URL that is not allowed" },
		);
		const agent = scriptedAgent([action("click", { ref: "e6" }), action("click", { ref: "e6" })]);
		const trace = newTrace();
		await expect(runAgentLoop(page, agent, options(), trace)).rejects.toMatchObject({
			code: "agent-invalid-action",
			message: expect.stringMatching(/not allowed$/),
		});
		expect(agent.seen[1]?.lastError).toMatch(/^downloads are not allowed/);
		expect(trace.steps.map((s) => s.outcome)).toEqual(["refused", "refused"]);
		expect(trace.acted).toBe(true);
	});

	it("should start counting again after a performed action", async () => {
		const bad = action("click", { ref: "e99" });
		const { result, agent } = await run([bad, action("scroll"), bad, action("done", { text: "ok" })]);
		expect(result?.actions.map((s) => s.outcome)).toEqual(["refused", "ok", "refused", "ok"]);
		expect(agent.seen.map((o) => o.lastError === null)).toEqual([true, false, true, false]);
	});

	it("should report a failed action back without counting it as invalid", async () => {
		const page = new FakeAgentPage(view);
		page.outcomes.push({ outcome: "failed", detail: "the click did not land" });
		const agent = scriptedAgent([action("click", { ref: "e4" }), action("done", { text: "ok" })]);
		const result = await runAgentLoop(page, agent, options(), newTrace());
		expect(result.actions.map((s) => s.outcome)).toEqual(["failed", "ok"]);
		expect(agent.seen[1]?.lastError).toBe("the click did not land");
	});

	it("should stop at maxIterations with agent-max-iterations and keep the partial actions", async () => {
		const { error, trace, agent } = await run([action("scroll"), action("scroll"), action("scroll")], {
			maxIterations: 3,
		});
		expect(error).toMatchObject({ code: "agent-max-iterations", recoverable: false });
		expect(trace.steps.map((s) => s.iteration)).toEqual([1, 2, 3]);
		expect(agent.seen).toHaveLength(3);
	});

	it("should report a null decision back once, recording no step", async () => {
		const { result, agent } = await run([null, action("done", { text: "ok" })]);
		expect(agent.seen[1]?.lastError).toMatch(/not a valid action/);
		expect(result).toMatchObject({ answer: "ok", iterations: 2 });
		expect(result?.actions.map((s) => s.iteration)).toEqual([2]);
	});

	it("should end the loop on a second null decision", async () => {
		const { error, trace } = await run([null, null]);
		expect(error).toMatchObject({ code: "agent-invalid-action" });
		expect(trace.steps).toEqual([]);
	});

	it("should treat an answer that breaks the action schema like null", async () => {
		const { error, agent } = await run([{ type: "click", ref: "e4" }, { type: "hover" }]);
		expect(agent.seen[1]?.lastError).toMatch(/not a valid action/);
		expect(error).toMatchObject({ code: "agent-invalid-action" });
	});

	it("should set lastError for the next observation only", async () => {
		const { agent } = await run([action("click", { ref: "e99" }), action("scroll"), action("scroll"), action("done")]);
		expect(agent.seen.map((o) => o.lastError !== null)).toEqual([false, true, false, false]);
	});

	it("should repeat only the latest steps back to the model", async () => {
		const script = [...Array.from({ length: 12 }, () => action("scroll")), action("done")];
		const { agent } = await run(script, { maxIterations: 13 });
		const last = agent.seen[12]?.history ?? [];
		expect(last.map((s) => s.iteration)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
	});

	it("should mark the trace acted only for actions that can change something", async () => {
		const quiet = await run([action("scroll"), action("extract", { text: "x" }), action("done")]);
		expect(quiet.trace.acted).toBe(false);
		const acting = await run([action("type", { ref: "e1", text: "Ada" }), action("done")]);
		expect(acting.trace.acted).toBe(true);
	});

	it("should wrap a failing decide as agent-callback-failed", async () => {
		const { error } = await run([new Error("model returned 500")]);
		expect(error).toMatchObject({
			code: "agent-callback-failed",
			recoverable: true,
			message: "deciding the next action failed: model returned 500",
		});
	});

	it("should keep going when progress cannot be recorded", async () => {
		const page = new FakeAgentPage(view);
		const agent = scriptedAgent([action("done", { text: "ok" })]);
		agent.progress = async () => {
			throw new Error("database is down");
		};
		await expect(runAgentLoop(page, agent, options(), newTrace())).resolves.toMatchObject({ answer: "ok" });
	});

	it("should fail with navigation-timeout when the deadline passes while waiting for the model", async () => {
		const page = new FakeAgentPage(view);
		const trace = newTrace();
		const agent = { decide: () => new Promise<null>(() => undefined) };
		await expect(runAgentLoop(page, agent, options({ deadline: Date.now() + 50 }), trace)).rejects.toMatchObject({
			code: "navigation-timeout",
			message: expect.stringMatching(/ran out of time while waiting for the next action/),
		});
	});

	it("should cut a long reason on the recorded step", async () => {
		const { result } = await run([action("done", { reason: "r".repeat(1_000) })]);
		expect(result?.actions[0]?.action.reason).toHaveLength(301);
	});
});
