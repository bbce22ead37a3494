import type { AgentAction, AgentObservation } from "@ow/schemas";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAgentHarness, type AgentHarness } from "./harness";
import { startPageServer, type PageServer } from "./page-server";

/** An action of the scripted model; `ref` may be `@Name` (looked up by the driver in the observation). */
function act(type: AgentAction["type"], fields: Partial<Omit<AgentAction, "type">> = {}): AgentAction {
	return { type, ref: null, text: null, url: null, reason: `scripted ${type}`, ...fields };
}

const named = (observation: AgentObservation | undefined, name: string) =>
	observation?.elements.find((e) => e.name === name);

// Agent sessions through the real RPC path: a driver Worker calls `openSession`, `act` and
// `releaseSession` on the harness over a service binding, as the orchestrator's Workflow does; the
// harness drives real Chromium on local pages. The "model" is a script, so every test states exactly
// which actions it takes.
describe("agent mode with real Chromium, over RPC", () => {
	let harness: AgentHarness;
	let site: PageServer;
	let other: PageServer;

	beforeAll(async () => {
		site = await startPageServer();
		other = await startPageServer();
		harness = await startAgentHarness();
	});

	afterAll(async () => {
		await harness?.stop();
		await other?.stop();
		await site?.stop();
	});

	it("should fill in and send a form with real input, and see the confirmation only the POST returns", async () => {
		const { result, observations, progress } = await harness.drive({ url: `${site.url}/form`, maxIterations: 8 }, [
			act("type", { ref: "@Name", text: "Ada Lovelace" }),
			act("type", { ref: "@Email", text: "ada@example.com" }),
			act("select", { ref: "@Topic", text: "Support" }),
			act("type", { ref: "@Message", text: "Hello from the agent" }),
			act("click", { ref: "@Send" }),
			act("done", { text: "Sent; the site thanked Ada Lovelace." }),
		]);
		if (!result.ok) throw new Error(JSON.stringify(result));
		expect(result.page.agent).toMatchObject({ answer: "Sent; the site thanked Ada Lovelace.", iterations: 6 });
		expect(result.page.agent?.actions.map((s) => [s.action.type, s.outcome])).toEqual([
			["type", "ok"],
			["type", "ok"],
			["select", "ok"],
			["type", "ok"],
			["click", "ok"],
			["done", "ok"],
		]);
		expect(result.page.agent?.actions[4]?.detail).toBe(`now at ${site.url}/form`);
		expect(result.page).toMatchObject({ finalUrl: `${site.url}/form`, title: "Message sent" });
		expect(result.page.text).toContain(
			"We received Ada Lovelace (ada@example.com) about support: Hello from the agent",
		);
		expect(site.log).toContain("POST /form");
		expect(progress.map((s) => [s.iteration, s.maxIterations])).toEqual([
			[1, 8],
			[2, 8],
			[3, 8],
			[4, 8],
			[5, 8],
			[6, 8],
		]);

		const first = observations[0]!;
		expect(first).toMatchObject({ iteration: 1, maxIterations: 8, url: `${site.url}/form`, title: "Contact us" });
		expect(first.elements.map((e) => [e.ref, e.role, e.name, e.tag, e.inputType, e.value])).toEqual([
			["e1", "textbox", "Name", "input", "text", null],
			["e2", "textbox", "Email", "input", "email", null],
			["e3", "combobox", "Topic", "select", null, "Sales (options: Sales | Support)"],
			["e4", "textbox", "Message", "textarea", null, null],
			["e5", "textbox", "Password", "input", "password", null],
			["e6", "textbox", "PIN", "input", "text", null],
			["e7", "button", "Send", "button", null, null],
		]);
		// Same document, same references; typed values show up in the next observations.
		const beforeSubmit = observations[4]!;
		expect(beforeSubmit.elements.map((e) => e.ref)).toEqual(first.elements.map((e) => e.ref));
		expect(named(beforeSubmit, "Name")?.value).toBe("Ada Lovelace");
		expect(named(beforeSubmit, "Topic")?.value).toBe("Support (options: Sales | Support)");
		expect(beforeSubmit.history?.map((s) => s.iteration)).toEqual([1, 2, 3, 4]);
		expect(observations[5]?.text).toContain("Thank you, Ada Lovelace!");
	});

	it("should refuse a password field, report it once, and fail on a second refusal keeping the actions", async () => {
		const { result, observations, progress } = await harness.drive({ url: `${site.url}/form` }, [
			act("type", { ref: "@Password", text: "hunter2" }),
			act("type", { ref: "@PIN", text: "1234" }),
		]);
		expect(result).toMatchObject({
			ok: false,
			error: { code: "agent-invalid-action", retryable: false },
			actions: [
				{
					iteration: 1,
					outcome: "refused",
					detail: "e5 is a password field; typing into password fields is not allowed",
				},
				// PIN is a text input the page marks as a password (autocomplete): refused in the page.
				{
					iteration: 2,
					outcome: "refused",
					detail: "e6 is a password field; typing into password fields is not allowed",
				},
			],
		});
		expect(observations[1]?.lastError).toBe("e5 is a password field; typing into password fields is not allowed");
		expect(progress).toHaveLength(2);
		expect(site.log.filter((line) => line.startsWith("POST"))).toEqual(["POST /form"]); // the earlier test's only
	});

	it("should refuse a link and a navigate to another site without any request to it", async () => {
		const links = `${site.url}/links?other=${encodeURIComponent(other.url)}`;
		const { result, observations } = await harness.drive({ url: links }, [
			act("click", { ref: "@Other site" }),
			act("scroll"),
			act("navigate", { url: `${other.url}/page?id=direct` }),
			act("done"),
		]);
		if (!result.ok) throw new Error(JSON.stringify(result));
		expect(result.page.agent?.actions.map((s) => s.outcome)).toEqual(["refused", "ok", "refused", "ok"]);
		expect(result.page.agent?.actions[0]?.detail).toMatch(/tried to leave .* is another site/);
		expect(observations[1]?.lastError).toMatch(/is another site/);
		expect(observations[2]?.lastError).toBeNull();
		expect(result.page.finalUrl).toBe(links);
		expect(other.log).toEqual([]);
	});

	it("should follow a link to another site the request allows", async () => {
		const links = `${site.url}/links?other=${encodeURIComponent(other.url)}`;
		const { result } = await harness.drive({ url: links, allowedOrigins: [other.url] }, [
			act("click", { ref: "@Other site" }),
			act("done", { text: "arrived" }),
		]);
		expect(result).toMatchObject({
			ok: true,
			page: { finalUrl: `${other.url}/page?id=offsite`, title: "Page offsite", agent: { answer: "arrived" } },
		});
		expect(other.log).toEqual(["/page?id=offsite"]);
	});

	it("should refuse downloads, by link and by navigate", async () => {
		const links = `${site.url}/links?other=${encodeURIComponent(other.url)}`;
		const { result } = await harness.drive({ url: links }, [
			act("click", { ref: "@Get the data" }),
			act("scroll"),
			act("click", { ref: "@Save this page" }),
			act("navigate", { url: "/download" }),
		]);
		expect(result).toMatchObject({ ok: false, error: { code: "agent-invalid-action", retryable: false } });
		if (result.ok) return;
		expect(result.actions?.map((s) => [s.action.type, s.outcome])).toEqual([
			["click", "refused"],
			["scroll", "ok"],
			["click", "refused"],
			["navigate", "refused"],
		]);
		expect(result.actions?.[0]?.detail).toMatch(/^downloads are not allowed; .*\/download was blocked$/);
		expect(result.actions?.[2]?.detail).toMatch(/is a download link; downloads are not allowed$/);
		expect(result.actions?.[3]?.detail).toMatch(/^downloads are not allowed/);
	});

	it("should keep new windows in the one page, and scroll for real", async () => {
		const links = `${site.url}/links?other=${encodeURIComponent(other.url)}`;
		const opened = await harness.drive({ url: links }, [act("click", { ref: "@Open in a new window" }), act("done")]);
		expect(opened.result).toMatchObject({ ok: true, page: { finalUrl: `${site.url}/page?id=popup` } });
		expect(opened.observations[0]?.elements.map((e) => e.name)).not.toContain("Hidden link");

		const scrolled = await harness.drive({ url: `${site.url}/scroll` }, [act("scroll"), act("done")]);
		expect(scrolled.result.ok).toBe(true);
		expect(named(scrolled.observations[0], "Loaded more")).toBeUndefined();
		expect(named(scrolled.observations[1], "Loaded more")).toMatchObject({ role: "button", tag: "button" });
		expect(scrolled.observations[1]?.history?.[0]?.detail).toMatch(/^scrolled to \d+ of \d+ px$/);
	});

	it("should fail with agent-max-iterations and keep the partial actions", async () => {
		const { result } = await harness.drive({ url: `${site.url}/scroll`, maxIterations: 2 }, [
			act("scroll"),
			act("scroll"),
			act("done"),
		]);
		expect(result).toMatchObject({
			ok: false,
			error: { code: "agent-max-iterations", retryable: false },
			actions: [
				{ iteration: 1, outcome: "ok" },
				{ iteration: 2, outcome: "ok" },
			],
		});
	});

	it("should report a missing action back once, then fail on the second", async () => {
		const once = await harness.drive({ url: `${site.url}/page?id=null` }, [null, act("done", { text: "ok" })]);
		expect(once.result).toMatchObject({ ok: true, page: { agent: { answer: "ok", iterations: 2 } } });
		expect(once.observations[1]?.lastError).toMatch(/not a valid action/);

		const twice = await harness.drive({ url: `${site.url}/page?id=null` }, [null, null]);
		expect(twice.result).toMatchObject({
			ok: false,
			error: { code: "agent-invalid-action", retryable: false },
			actions: [],
		});
	});

	it("should answer a repeated act from its record, never sending the form twice", async () => {
		const posts = () => site.log.filter((line) => line === "POST /form").length;
		const before = posts();
		const { result, repeats } = await harness.drive(
			{ url: `${site.url}/form` },
			[act("type", { ref: "@Name", text: "Grace" }), act("click", { ref: "@Send" }), act("done", { text: "sent" })],
			{ repeat: [1, 2] },
		);
		expect(result).toMatchObject({ ok: true, page: { title: "Message sent" } });
		expect(posts()).toBe(before + 1);
		for (const { first, again } of repeats) {
			if (!first.ok || !again.ok) throw new Error(JSON.stringify({ first, again }));
			expect(again.step).toEqual(first.step);
			expect(again.view?.url).toBe(first.view?.url);
		}
		expect(repeats.map((r) => r.k)).toEqual([1, 2]);
		const [, click] = repeats;
		if (!click?.again.ok) throw new Error("the repeated click failed");
		expect(click.again.view?.text).toContain("Thank you, Grace!");
	});

	it("should have closed every page and given every session back", async () => {
		expect(await harness.pool()).toMatchObject({ busy: 0, queued: 0, unhealthy: 0 });
	});
});
