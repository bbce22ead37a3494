import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startModelServer } from "./model-server.ts";
import type { ModelServer } from "./types.ts";

let server: ModelServer;
beforeAll(async () => {
	server = await startModelServer();
});
afterAll(() => server.close());

const chat = (system: string, user: string, headers: Record<string, string> = {}, extra: object = {}) =>
	fetch(`${server.baseURL}/chat/completions`, {
		method: "POST",
		headers: { "content-type": "application/json", ...headers },
		body: JSON.stringify({
			model: "small",
			messages: [
				{ role: "system", content: system },
				{ role: "user", content: user },
			],
			...extra,
		}),
	});
const content = async (res: Response) =>
	((await res.json()) as { choices: { message: { content: string } }[] }).choices[0]!.message.content;

describe("scenarios", () => {
	it("should answer a rule's calls in order, repeat its last reply and count per rule", async () => {
		const define = await fetch(`${server.url}/__scenarios`, {
			method: "POST",
			body: JSON.stringify({
				id: "scn-order",
				rules: [
					{
						match: "planner",
						replies: [
							{ kind: "error", status: 500 },
							{ kind: "text", text: "plan" },
						],
					},
					{ match: "", replies: [{ kind: "text", text: "other" }] },
				],
			}),
		});
		expect(define.status).toBe(201);
		expect((await chat("You are the planner", "scn-order go")).status).toBe(500);
		expect(await content(await chat("You are the planner", "scn-order go"))).toBe("plan");
		expect(await content(await chat("You are the planner", "scn-order go"))).toBe("plan");
		expect(await content(await chat("worker", "scn-order go"))).toBe("other");
		const stats = await (await fetch(`${server.url}/__scenarios/scn-order`)).json();
		expect(stats).toMatchObject({
			calls: 4,
			rules: [
				{ match: "planner", calls: 3 },
				{ match: "", calls: 1 },
			],
		});
	});

	it("should count the tokens its answers served, as their usage reports them, errors none", async () => {
		server.defineScenario({
			id: "scn-tokens",
			rules: [
				{
					match: "",
					replies: [
						{ kind: "error", status: 500 },
						{ kind: "text", text: "12345678" },
						{ kind: "text", text: "x", usage: { prompt_tokens: 100, completion_tokens: 7 } },
					],
				},
			],
		});
		expect((await chat("s", "scn-tokens")).status).toBe(500);
		const first = (await (await chat("s", "scn-tokens")).json()) as { usage: { total_tokens: number } };
		await chat("s", "scn-tokens");
		expect(server.scenarioStats("scn-tokens")?.tokensServed).toBe(first.usage.total_tokens + 107);
	});

	it("should match a rule with a seed only to requests sent with that seed", async () => {
		await fetch(`${server.url}/__scenarios`, {
			method: "POST",
			body: JSON.stringify({
				id: "scn-seed",
				rules: [
					{ match: "ask", seed: 2, replies: [{ kind: "text", text: "second" }] },
					{ match: "ask", replies: [{ kind: "text", text: "any" }] },
				],
			}),
		});
		expect(await content(await chat("sys", "scn-seed ask", {}, { seed: 2 }))).toBe("second");
		expect(await content(await chat("sys", "scn-seed ask", {}, { seed: 3 }))).toBe("any");
		expect(await content(await chat("sys", "scn-seed ask"))).toBe("any");
		const stats = (await (await fetch(`${server.url}/__scenarios/scn-seed`)).json()) as { rules: { calls: number }[] };
		expect(stats.rules.map((r) => r.calls)).toEqual([1, 2]);
	});

	it("should fill {{fenced}} with the data blocks of the request", async () => {
		server.defineScenario({
			id: "scn-fence",
			rules: [{ match: "", replies: [{ kind: "text", text: "saw: {{fenced}}" }] }],
		});
		const user = "scn-fence\nPage (data):\n<<<DATA>>>\nthe sky is green\n<<<DATA>>>";
		expect(await content(await chat("worker", user))).toBe("saw: the sky is green");
	});

	it("should fill {{header:NAME}} with the request's header, as a provider echoing the key would", async () => {
		server.defineScenario({
			id: "scn-echo",
			rules: [{ match: "", replies: [{ kind: "error", status: 401, message: "bad key {{header:Authorization}}" }] }],
		});
		const res = await chat("worker", "scn-echo", { authorization: "Bearer sk-echo-me" });
		expect(res.status).toBe(401);
		expect(JSON.stringify(await res.json())).toContain("bad key Bearer sk-echo-me");
	});

	it("should fault exactly the rate's share of calls, placed by the seed, and count them", async () => {
		const faulted = async (id: string, seed: number) => {
			server.defineScenario({
				id,
				faults: { rate: 0.1, seed },
				rules: [{ match: "", replies: [{ kind: "text", text: "ok" }] }],
			});
			const statuses: number[] = [];
			for (let i = 0; i < 200; i += 1) statuses.push((await chat("worker", id)).status);
			return statuses;
		};
		const first = await faulted("scn-faults-a", 7);
		expect(await faulted("scn-faults-b", 7)).toEqual(first); // deterministic per (seed, index)
		const failures = first.filter((s) => s === 500).length;
		expect(failures).toBe(20);
		expect(server.scenarioStats("scn-faults-a")).toMatchObject({ calls: 200, faultsInjected: failures });
		expect(await faulted("scn-faults-c", 8)).not.toEqual(first);
	});

	it("should leave requests of no scenario to the responder and reject a bad definition", async () => {
		expect((await chat("x", "no scenario here")).status).toBe(200);
		const bad = await fetch(`${server.url}/__scenarios`, {
			method: "POST",
			body: JSON.stringify({ id: "scn-bad", rules: [] }),
		});
		expect(bad.status).toBe(400);
		expect((await fetch(`${server.url}/__scenarios/missing`)).status).toBe(404);
	});
});
