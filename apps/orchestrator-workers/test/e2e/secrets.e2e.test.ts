/**
 * The deployment's secrets, `API_KEY` and `MODEL_API_KEY`, never show: not in a status body, an event,
 * the metrics, the OpenAPI document, an error body, nor anything wrangler printed. The scripted
 * provider is the worst kind: it echoes the key it was sent, in error bodies, in non-JSON errors, in
 * malformed answers and in plain completions. Its own stack, because the secrets are its variables.
 */
import { llmSubtask } from "@ow/schemas/testing";
import type { RunStatus } from "@ow/schemas";
import {
	parseSse,
	startModelServer,
	startProductStack,
	type ModelServer,
	type Reply,
	type ScenarioRule,
	type WranglerDev,
} from "@ow/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const randomHex = (bytes: number) =>
	Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, "0")).join("");
const SECRETS = { API_KEY: `ow-${randomHex(20)}`, MODEL_API_KEY: `sk-${randomHex(20)}` };
/** A leak of this many leading characters counts as a leak of the whole secret. */
const PREFIX_CHARS = 10;
const AUTH = { authorization: `Bearer ${SECRETS.API_KEY}` };
const ECHO = "{{header:authorization}}";

const PLANNER = "You are the planner";
const SYNTHESISER = "You combine the results";
const subtask = (id: string) => `Your subtask: Subtask ${id}\n`;
const twoSubtasks: Reply = { kind: "json", value: { subtasks: [llmSubtask("s1"), llmSubtask("s2")] } };
const synthesis: Reply = { kind: "json", value: { answer: "done: {{fenced}}", references: [] } };

/** The runs, each a way for the provider to hand the key back. */
const RUNS = {
	/** Succeeds: one completion quotes the key, another subtask is rate limited (echoing it) first. */
	echoInAnswers: [
		{ match: PLANNER, replies: [twoSubtasks] },
		{ match: subtask("s1"), replies: [{ kind: "text", text: `I was called with ${ECHO}` }] },
		{
			match: subtask("s2"),
			replies: [
				{ kind: "error", status: 429, message: `slow down, ${ECHO}`, retryAfterSeconds: 0 },
				{ kind: "text", text: "two" },
			],
		},
		{ match: SYNTHESISER, replies: [synthesis] },
	],
	/** Errored: the plan call is refused with the key in OpenAI's error format. */
	planRefused: [{ match: PLANNER, replies: [{ kind: "error", status: 401, message: `invalid key ${ECHO}` }] }],
	/** Errored: a 400 whose body is not JSON at all. */
	planRefusedInHtml: [{ match: PLANNER, replies: [{ kind: "error", status: 400, body: `<h1>Denied: ${ECHO}</h1>` }] }],
	/** Errored: the plan is malformed JSON that quotes the key, twice (so the repair fails too). */
	planMalformed: [{ match: PLANNER, replies: [{ kind: "malformed", content: `{"subtasks": ["${ECHO}"` }] }],
	/** Complete with a failed subtask: it fails for good with a 500 that echoes the key. */
	subtaskFailsForGood: [
		{ match: PLANNER, replies: [twoSubtasks] },
		{ match: subtask("s1"), replies: [{ kind: "text", text: "one" }] },
		{ match: subtask("s2"), replies: [{ kind: "error", status: 500, message: `upstream failed for ${ECHO}` }] },
		{ match: SYNTHESISER, replies: [synthesis] },
	],
	/** Errored: synthesis fails for good. */
	synthesisFails: [
		{ match: PLANNER, replies: [{ kind: "json", value: { subtasks: [llmSubtask("s1")] } }] },
		{ match: subtask("s1"), replies: [{ kind: "text", text: "one" }] },
		{ match: SYNTHESISER, replies: [{ kind: "error", status: 503, message: `overloaded (key ${ECHO})` }] },
	],
} satisfies Record<string, ScenarioRule[]>;
type RunName = keyof typeof RUNS;
const RUN_NAMES = Object.keys(RUNS) as RunName[];

let models: ModelServer;
let dev: WranglerDev;
const scenarioIds = {} as Record<RunName, string>;
const runs = {} as Record<RunName, RunStatus>;

/** Calls the API with the key. */
const api = (path: string, init: RequestInit = {}) =>
	fetch(`${dev.url}${path}`, { ...init, headers: { ...AUTH, ...init.headers } });

/** Polls `GET /:id` until the run is over. */
async function settle(id: string): Promise<RunStatus> {
	const deadline = Date.now() + 60_000;
	for (;;) {
		const run = (await (await api(`/${id}`)).json()) as RunStatus;
		if (["complete", "errored", "terminated"].includes(run.status)) return run;
		if (Date.now() > deadline) throw new Error(`run ${id} is still ${run.status}`);
		await new Promise((r) => setTimeout(r, 200));
	}
}

/** Fails naming where a secret, or a long prefix of one, showed. */
function expectNoSecret(where: string, text: string) {
	const leaked = Object.entries(SECRETS).filter(([, secret]) => text.includes(secret.slice(0, PREFIX_CHARS)));
	expect({ where, leaked: leaked.map(([name]) => name) }).toEqual({ where, leaked: [] });
}

/** A run's status and error code. */
const outcome = (run: RunStatus) => [run.status, run.error?.code ?? null];

beforeAll(async () => {
	models = await startModelServer();
	dev = await startProductStack(models.baseURL, { STEP_RETRY_LIMIT: "1", STEP_RETRY_DELAY_MS: "100", ...SECRETS });
	await Promise.all(
		RUN_NAMES.map(async (name) => {
			const id = `scn-${crypto.randomUUID()}`;
			models.defineScenario({ id, rules: RUNS[name] });
			scenarioIds[name] = id;
			const res = await api("/", {
				method: "POST",
				headers: { "content-type": "application/json" },
				body: JSON.stringify({ prompt: `Tell me things. [${id}]` }),
			});
			if (res.status !== 202) throw new Error(`POST / answered ${res.status}: ${await res.text()}`);
			runs[name] = await settle(((await res.json()) as { id: string }).id);
		}),
	);
});

afterAll(async () => {
	await dev?.stop();
	await models?.close();
});

describe("secrets against the dev server", () => {
	it("should have sent the model key to the provider, which echoed it into every run", () => {
		const sent = models.scenarioStats(scenarioIds.planRefused)?.rules[0]?.lastBody as {
			headers?: Record<string, string>;
		};
		expect(sent.headers?.authorization).toBe(`Bearer ${SECRETS.MODEL_API_KEY}`);
		expect(Object.fromEntries(RUN_NAMES.map((name) => [name, outcome(runs[name])]))).toEqual({
			echoInAnswers: ["complete", null],
			planRefused: ["errored", "model-rejected"],
			planRefusedInHtml: ["errored", "model-rejected"],
			planMalformed: ["errored", "plan-invalid"],
			subtaskFailsForGood: ["complete", null],
			synthesisFails: ["errored", "model-error"],
		});
	});

	it("should show where the key was taken out", () => {
		expect(runs.planRefused.error?.message).toContain("invalid key Bearer [redacted]");
		expect(runs.echoInAnswers.subtasks.find((t) => t.id === "s1")?.output).toBe("I was called with Bearer [redacted]");
		expect(runs.subtaskFailsForGood.subtasks.find((t) => t.id === "s2")?.error?.message).toContain(
			"upstream failed for Bearer [redacted]",
		);
	});

	it("should keep both secrets out of every status body and the run list", async () => {
		for (const [name, run] of Object.entries(runs)) {
			const res = await api(`/${run.id}`);
			expect(res.status).toBe(200);
			expectNoSecret(`GET /:id of ${name}`, await res.text());
		}
		const list = await api("/runs?limit=100");
		expect(list.status).toBe(200);
		expectNoSecret("GET /runs", await list.text());
	});

	it("should keep both secrets out of every progress event", async () => {
		for (const [name, run] of Object.entries(runs)) {
			const res = await api(`/${run.id}/events`, { signal: AbortSignal.timeout(30_000) });
			expect(res.status).toBe(200);
			const frames = [];
			for await (const frame of parseSse(res.body!)) frames.push(frame);
			expect(frames.length).toBeGreaterThan(2);
			expectNoSecret(`the events of ${name}`, JSON.stringify(frames));
		}
	});

	it("should keep both secrets out of the metrics, the OpenAPI document and the pool", async () => {
		for (const path of ["/metrics", "/openapi.json", "/orchestrator/pool", "/health"]) {
			const res = await api(path);
			expect({ path, status: res.status }).toEqual({ path, status: 200 });
			expectNoSecret(path, await res.text());
		}
	});

	it("should refuse a missing, wrong or nearly right API key without showing it", async () => {
		const attempts: [string, Record<string, string>][] = [
			["no key", {}],
			["a wrong key", { authorization: "Bearer wrong" }],
			["the key but its last character", { authorization: `Bearer ${SECRETS.API_KEY.slice(0, -1)}` }],
			["the key as Basic auth", { authorization: `Basic ${btoa(`user:${SECRETS.API_KEY}`)}` }],
			["the model key", { authorization: `Bearer ${SECRETS.MODEL_API_KEY}` }],
		];
		for (const [what, headers] of attempts) {
			const res = await fetch(`${dev.url}/runs`, { headers });
			expect({ what, status: res.status }).toEqual({ what, status: 401 });
			const text = await res.text();
			expect(JSON.parse(text).error.code).toBe("unauthorized");
			expectNoSecret(`the 401 for ${what}`, text);
		}
		// The key in the query is only for the event stream (EventSource cannot set headers).
		const query = await fetch(`${dev.url}/runs?access_token=${SECRETS.API_KEY}`);
		expect(query.status).toBe(401);
		expectNoSecret("the 401 for ?access_token on /runs", await query.text());
		const events = await fetch(`${dev.url}/${runs.planRefused.id}/events?access_token=${SECRETS.API_KEY}`);
		expect(events.status).toBe(200);
		expectNoSecret("events read with ?access_token", await events.text());
	});

	it("should keep both secrets out of the API's other error bodies", async () => {
		const errors = [
			await api(`/${runs.planRefused.id}/approve`, {
				method: "POST",
				headers: { "content-type": "application/json" },
				body: "{}",
			}),
			await api(`/${runs.planRefused.id}/pause`, { method: "POST" }),
			await api("/run_0000000000zzzzzzzzzzzzzzzz"),
			await api("/", { method: "POST", headers: { "content-type": "application/json" }, body: '{"prompt": 1}' }),
		];
		for (const res of errors) {
			expect(res.status).toBeGreaterThanOrEqual(400);
			expectNoSecret(`the ${res.status} of ${res.url}`, await res.text());
		}
	});

	it("should keep both secrets out of everything wrangler printed", async () => {
		// Workers' console lines reach wrangler's output asynchronously.
		await new Promise((r) => setTimeout(r, 1_000));
		const output = dev.output();
		expect(output).toContain("[wrangler:info] GET /runs 401 Unauthorized");
		expect(output).toMatch(/"msg":"step".*"outcome":"failed"/);
		expectNoSecret("wrangler's output", output);
	});
});
