/**
 * Malformed requests through the dev server: every one is refused with a 4xx and the API's JSON error
 * envelope, never a 5xx, and none of them creates a run or changes one. Two real runs are the targets
 * of the run-scoped cases: one waiting for its plan's approval, one complete.
 */
import { connect } from "node:net";
import { apiErrorSchema, type RunStatus } from "@ow/schemas";
import { browserSubtask, llmSubtask } from "@ow/schemas/testing";
import { connectModelServer, readRun, startRun, waitForRun } from "@ow/testing";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

const dev = { url: inject("devURL") };
const models = connectModelServer(inject("modelURL"));

/** The runs the run-scoped cases aim at, and a key that already started one of them. */
interface Targets {
	waiting: string;
	complete: string;
	idempotencyKey: string;
}

interface BadRequest {
	method: string;
	path: string;
	headers?: Record<string, string>;
	body?: string;
	/** Sent over a bare socket: fetch refuses to send header values with control characters. */
	raw?: boolean;
}

interface Case {
	name: string;
	status: number;
	code: string;
	request: (t: Targets) => BadRequest;
}

const JSON_TYPE = { "content-type": "application/json" };
/** A run id of the right shape that no run has. */
const UNKNOWN_RUN = "run_0000000000zzzzzzzzzzzzzzzz";

const postJson = (path: string, body: unknown, headers: Record<string, string> = {}): BadRequest => ({
	method: "POST",
	path,
	headers: { ...JSON_TYPE, ...headers },
	body: typeof body === "string" ? body : JSON.stringify(body),
});
const approve = (id: string, body: unknown) => postJson(`/${id}/approve`, body);
const editedPlan = (subtasks: unknown[]) => ({ approved: true, plan: { subtasks } });

const cases: Case[] = [
	// POST /: the body.
	{ name: "broken JSON", status: 400, code: "invalid-request", request: () => postJson("/", '{"prompt": "x",') },
	{ name: "an empty body", status: 400, code: "invalid-request", request: () => postJson("/", "") },
	{ name: "a JSON array body", status: 400, code: "invalid-request", request: () => postJson("/", [{ prompt: "x" }]) },
	{ name: "a JSON string body", status: 400, code: "invalid-request", request: () => postJson("/", '"Say hello."') },
	{ name: "a JSON null body", status: 400, code: "invalid-request", request: () => postJson("/", "null") },
	{ name: "no prompt", status: 400, code: "invalid-request", request: () => postJson("/", { options: {} }) },
	{ name: "a numeric prompt", status: 400, code: "invalid-request", request: () => postJson("/", { prompt: 42 }) },
	{ name: "an array prompt", status: 400, code: "invalid-request", request: () => postJson("/", { prompt: ["a"] }) },
	{ name: "a null prompt", status: 400, code: "invalid-request", request: () => postJson("/", { prompt: null }) },
	{ name: "an empty prompt", status: 400, code: "invalid-request", request: () => postJson("/", { prompt: "" }) },
	{
		name: "a whitespace-only prompt",
		status: 400,
		code: "invalid-request",
		request: () => postJson("/", { prompt: " \n\t\r " }),
	},
	{
		name: "a prompt over MAX_PROMPT_CHARS",
		status: 413,
		code: "prompt-too-large",
		request: () => postJson("/", { prompt: "x".repeat(20_001) }),
	},
	{
		name: "a body over MAX_BODY_BYTES",
		status: 413,
		code: "body-too-large",
		request: () => postJson("/", { prompt: "x".repeat(300 * 1024) }),
	},
	{
		name: "a prompt with a NUL character",
		status: 400,
		code: "invalid-request",
		request: () => postJson("/", { prompt: "Say\u0000hello." }),
	},
	{
		name: "a prompt with an escape sequence",
		status: 400,
		code: "invalid-request",
		request: () => postJson("/", { prompt: "Say \u001b[31mhello\u001b[0m." }),
	},
	{
		name: "a prompt with a bell and a backspace",
		status: 400,
		code: "invalid-request",
		request: () => postJson("/", { prompt: "Say\u0007 hello\u0008." }),
	},
	{
		name: "a text/plain body",
		status: 415,
		code: "unsupported-media-type",
		request: () => ({
			method: "POST",
			path: "/",
			headers: { "content-type": "text/plain" },
			body: '{"prompt":"Say hello."}',
		}),
	},
	{
		name: "a form-encoded body (curl -d without a content type)",
		status: 415,
		code: "unsupported-media-type",
		request: () => ({
			method: "POST",
			path: "/",
			headers: { "content-type": "application/x-www-form-urlencoded" },
			body: '{"prompt":"Say hello."}',
		}),
	},
	{
		name: "an unknown top-level field",
		status: 400,
		code: "invalid-request",
		request: () => postJson("/", { prompt: "Say hello.", priority: "high" }),
	},
	{
		name: "a __proto__ field",
		status: 400,
		code: "invalid-request",
		request: () => postJson("/", '{"prompt":"Say hello.","__proto__":{"admin":true}}'),
	},
	{
		name: "an unknown option",
		status: 400,
		code: "invalid-request",
		request: () => postJson("/", { prompt: "Say hello.", options: { turbo: true } }),
	},
	{
		name: "options that are a string",
		status: 400,
		code: "invalid-request",
		request: () => postJson("/", { prompt: "Say hello.", options: "fast" }),
	},
	{
		name: "approvePlan as a string",
		status: 400,
		code: "invalid-request",
		request: () => postJson("/", { prompt: "Say hello.", options: { approvePlan: "yes" } }),
	},
	{
		name: "maxSubtasks 0",
		status: 400,
		code: "invalid-request",
		request: () => postJson("/", { prompt: "Say hello.", options: { maxSubtasks: 0 } }),
	},
	{
		name: "maxSubtasks over MAX_SUBTASKS",
		status: 400,
		code: "invalid-request",
		request: () => postJson("/", { prompt: "Say hello.", options: { maxSubtasks: 17 } }),
	},
	{
		name: "maxSubtasks as a string",
		status: 400,
		code: "invalid-request",
		request: () => postJson("/", { prompt: "Say hello.", options: { maxSubtasks: "3" } }),
	},
	{
		name: "an unknown failure policy",
		status: 400,
		code: "invalid-request",
		request: () => postJson("/", { prompt: "Say hello.", options: { failurePolicy: "yolo" } }),
	},
	...(
		[
			["an ensemble of 1 sample", { mode: "vote", samples: 1 }],
			["an ensemble of 8 samples", { mode: "vote", samples: 8 }],
			["an unknown ensemble mode", { mode: "swarm", samples: 3 }],
			["a consensus threshold above 1", { mode: "debate", agents: 2, maxRounds: 2, consensusThreshold: 1.5 }],
		] as const
	).map(([name, ensemble]): Case => ({
		name,
		status: 400,
		code: "invalid-request",
		request: () => postJson("/", { prompt: "Say hello.", options: { ensemble } }),
	})),
	{
		name: "deeply nested options",
		status: 400,
		code: "invalid-request",
		request: () => postJson("/", `{"prompt":"Say hello.","options":${'{"a":'.repeat(5_000)}1${"}".repeat(5_000)}}`),
	},
	// POST /batch.
	{ name: "a batch without runs", status: 400, code: "invalid-request", request: () => postJson("/batch", {}) },
	{
		name: "an empty batch",
		status: 400,
		code: "invalid-request",
		request: () => postJson("/batch", { runs: [] }),
	},
	{
		name: "a batch of 101 runs",
		status: 400,
		code: "invalid-request",
		request: () => postJson("/batch", { runs: Array.from({ length: 101 }, () => ({ prompt: "Say hello." })) }),
	},
	{
		name: "a batch with one bad run among good ones",
		status: 400,
		code: "invalid-request",
		request: () => postJson("/batch", { runs: [{ prompt: "Say hello." }, { prompt: "" }] }),
	},
	{
		name: "a batch with one prompt over MAX_PROMPT_CHARS",
		status: 413,
		code: "prompt-too-large",
		request: () => postJson("/batch", { runs: [{ prompt: "Say hello." }, { prompt: "x".repeat(20_001) }] }),
	},
	{ name: "a batch of broken JSON", status: 400, code: "invalid-request", request: () => postJson("/batch", "{runs:") },
	// Idempotency-Key.
	{
		name: "an empty Idempotency-Key",
		status: 400,
		code: "invalid-request",
		request: () => postJson("/", { prompt: "Say hello." }, { "idempotency-key": "" }),
	},
	{
		name: "an Idempotency-Key over 200 characters",
		status: 400,
		code: "invalid-request",
		request: () => postJson("/", { prompt: "Say hello." }, { "idempotency-key": "k".repeat(201) }),
	},
	{
		name: "an Idempotency-Key with control characters",
		status: 400,
		code: "invalid-request",
		request: () => ({
			...postJson("/", { prompt: "Say hello." }, { "idempotency-key": "key\u0001\u0002" }),
			raw: true,
		}),
	},
	{
		name: "an Idempotency-Key with a tab",
		status: 400,
		code: "invalid-request",
		request: () => postJson("/", { prompt: "Say hello." }, { "idempotency-key": "key\tvalue" }),
	},
	{
		name: "an Idempotency-Key with non-ASCII characters",
		status: 400,
		code: "invalid-request",
		request: () => postJson("/", { prompt: "Say hello." }, { "idempotency-key": "clé-\u00e9t\u00e9" }),
	},
	{
		name: "an Idempotency-Key reused with another body",
		status: 409,
		code: "conflict",
		request: (t) => postJson("/", { prompt: "Something else." }, { "idempotency-key": t.idempotencyKey }),
	},
	// Run ids that are malformed, and well-formed ones that name no run.
	{ name: "an id that is too long", status: 404, code: "not-found", request: () => get(`/run_${"a".repeat(300)}`) },
	{ name: "an id with capitals", status: 404, code: "not-found", request: () => get("/RUN_0000000000ZZZZZZZZZZ") },
	{
		name: "an id with a url-encoded path traversal",
		status: 404,
		code: "not-found",
		request: () => get("/..%2F..%2Fetc%2Fpasswd"),
	},
	{
		name: "an id with an encoded NUL",
		status: 404,
		code: "not-found",
		request: () => get("/run_0000000000zzzzzzzzzz%00"),
	},
	{ name: "an id with broken percent-encoding", status: 404, code: "not-found", request: () => get("/run_%E0%A4%A") },
	{ name: "an id with a quote and SQL", status: 404, code: "not-found", request: () => get("/run_'%20OR%201=1--") },
	{
		name: "a malformed id on DELETE",
		status: 404,
		code: "not-found",
		request: () => ({ method: "DELETE", path: "/not-a-run" }),
	},
	{
		name: "a malformed id on pause",
		status: 404,
		code: "not-found",
		request: () => ({ method: "POST", path: "/..%2Frun/pause" }),
	},
	{ name: "a malformed id on events", status: 404, code: "not-found", request: () => get("/%3Cscript%3E/events") },
	{ name: "an unknown run", status: 404, code: "not-found", request: () => get(`/${UNKNOWN_RUN}`) },
	{
		name: "cancelling an unknown run",
		status: 404,
		code: "not-found",
		request: () => ({ method: "DELETE", path: `/${UNKNOWN_RUN}` }),
	},
	{
		name: "resuming an unknown run",
		status: 404,
		code: "not-found",
		request: () => ({ method: "POST", path: `/${UNKNOWN_RUN}/resume` }),
	},
	{
		name: "approving an unknown run",
		status: 404,
		code: "not-found",
		request: () => approve(UNKNOWN_RUN, { approved: true }),
	},
	{
		name: "the events of an unknown run",
		status: 404,
		code: "not-found",
		request: () => get(`/${UNKNOWN_RUN}/events`),
	},
	{
		name: "an artifact of the complete run it never made",
		status: 404,
		code: "not-found",
		request: (t) => get(`/${t.complete}/artifacts/..%2F..%2Fetc%2Fpasswd`),
	},
	// Wrong methods.
	{ name: "PUT /", status: 405, code: "method-not-allowed", request: () => ({ method: "PUT", path: "/" }) },
	{
		name: "PATCH on a run",
		status: 405,
		code: "method-not-allowed",
		request: (t) => ({ method: "PATCH", path: `/${t.complete}`, headers: JSON_TYPE, body: "{}" }),
	},
	{ name: "POST on a run", status: 405, code: "method-not-allowed", request: (t) => postJson(`/${t.waiting}`, {}) },
	{ name: "GET /batch", status: 405, code: "method-not-allowed", request: () => get("/batch") },
	{
		name: "DELETE /batch",
		status: 405,
		code: "method-not-allowed",
		request: () => ({ method: "DELETE", path: "/batch" }),
	},
	{ name: "GET on pause", status: 405, code: "method-not-allowed", request: (t) => get(`/${t.waiting}/pause`) },
	{
		name: "DELETE on approve",
		status: 405,
		code: "method-not-allowed",
		request: (t) => ({ method: "DELETE", path: `/${t.waiting}/approve` }),
	},
	{
		name: "POST on events",
		status: 405,
		code: "method-not-allowed",
		request: (t) => postJson(`/${t.waiting}/events`, {}),
	},
	{ name: "POST /runs", status: 405, code: "method-not-allowed", request: () => postJson("/runs", { prompt: "x" }) },
	{
		name: "DELETE /metrics",
		status: 405,
		code: "method-not-allowed",
		request: () => ({ method: "DELETE", path: "/metrics" }),
	},
	// Oversized headers: the API's own limits (16 KiB a header, 32 KiB in all), which wrangler dev lets through.
	...[20, 60, 200].map((kb) => ({
		name: `a ${kb} KB header`,
		status: 431,
		code: "headers-too-large",
		request: () => postJson("/", { prompt: "Say hello." }, { "x-padding": "p".repeat(kb * 1024) }),
	})),
	{
		name: "many headers that together exceed the limit",
		status: 431,
		code: "headers-too-large",
		request: (t: Targets) => ({
			method: "GET",
			path: `/${t.complete}`,
			headers: Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`x-extra-${i}`, "v".repeat(500)])),
		}),
	},
	// GET /runs and GET /:id/events queries.
	{
		name: "an unknown status filter",
		status: 400,
		code: "invalid-request",
		request: () => get("/runs?status=finished"),
	},
	{ name: "a list limit of 0", status: 400, code: "invalid-request", request: () => get("/runs?limit=0") },
	{
		name: "a list limit that is not a number",
		status: 400,
		code: "invalid-request",
		request: () => get("/runs?limit=ten"),
	},
	{
		name: "a cursor this API never returned",
		status: 400,
		code: "invalid-request",
		request: () => get("/runs?cursor=!!!"),
	},
	{ name: "an unknown list parameter", status: 400, code: "invalid-request", request: () => get("/runs?sort=asc") },
	{
		name: "a Last-Event-ID that is not an event id",
		status: 400,
		code: "invalid-request",
		request: (t) => ({ method: "GET", path: `/${t.complete}/events`, headers: { "last-event-id": "latest" } }),
	},
	{
		name: "a negative ?after=",
		status: 400,
		code: "invalid-request",
		request: (t) => get(`/${t.complete}/events?after=-1`),
	},
	// Plan edits on the waiting run.
	{
		name: "an edited plan with a cycle",
		status: 400,
		code: "invalid-request",
		request: (t) => approve(t.waiting, editedPlan([llmSubtask("a", ["b"]), llmSubtask("b", ["a"])])),
	},
	{
		name: "an edited plan with an unknown dependency",
		status: 400,
		code: "invalid-request",
		request: (t) => approve(t.waiting, editedPlan([llmSubtask("a", ["ghost"])])),
	},
	{
		name: "an edited plan with a duplicate id",
		status: 400,
		code: "invalid-request",
		request: (t) => approve(t.waiting, editedPlan([llmSubtask("a"), llmSubtask("a")])),
	},
	{
		name: "an edited plan with more subtasks than the run allows",
		status: 400,
		code: "invalid-request",
		request: (t) =>
			approve(
				t.waiting,
				editedPlan(Array.from({ length: 3 }, (_, i) => llmSubtask(`s${i}`))), // the run has maxSubtasks 2
			),
	},
	{
		name: "an edited plan with a javascript: URL",
		status: 400,
		code: "invalid-request",
		request: (t) => approve(t.waiting, editedPlan([browserSubtask("page", "javascript:alert(1)")])),
	},
	{
		name: "an edited plan with a file: URL",
		status: 400,
		code: "invalid-request",
		request: (t) => approve(t.waiting, editedPlan([browserSubtask("page", "file:///etc/passwd")])),
	},
	{
		name: "an edited plan with no subtasks",
		status: 400,
		code: "invalid-request",
		request: (t) => approve(t.waiting, editedPlan([])),
	},
	{
		name: "an edited plan whose subtasks are a string",
		status: 400,
		code: "invalid-request",
		request: (t) => approve(t.waiting, { approved: true, plan: { subtasks: "s1, s2" } }),
	},
	{
		name: "an edited plan with a bad subtask id",
		status: 400,
		code: "invalid-request",
		request: (t) => approve(t.waiting, editedPlan([llmSubtask("Not Kebab")])),
	},
	{
		name: "an approval without a decision",
		status: 400,
		code: "invalid-request",
		request: (t) => approve(t.waiting, {}),
	},
	{
		name: "an approval as a string",
		status: 400,
		code: "invalid-request",
		request: (t) => approve(t.waiting, { approved: "yes" }),
	},
	{
		name: "a rejection that carries a plan",
		status: 400,
		code: "invalid-request",
		request: (t) => approve(t.waiting, { approved: false, plan: { subtasks: [llmSubtask("a")] } }),
	},
	{
		name: "an approval as plain text",
		status: 415,
		code: "unsupported-media-type",
		request: (t) => ({
			method: "POST",
			path: `/${t.waiting}/approve`,
			headers: { "content-type": "text/plain" },
			body: '{"approved":true}',
		}),
	},
	// Transitions the runs' states do not allow.
	{
		name: "approving a run that is not waiting",
		status: 409,
		code: "conflict",
		request: (t) => approve(t.complete, { approved: true }),
	},
	{
		name: "resuming a run that is not paused",
		status: 409,
		code: "conflict",
		request: (t) => ({ method: "POST", path: `/${t.waiting}/resume` }),
	},
	{
		name: "pausing a complete run",
		status: 409,
		code: "conflict",
		request: (t) => ({ method: "POST", path: `/${t.complete}/pause` }),
	},
	{
		name: "cancelling a complete run",
		status: 409,
		code: "conflict",
		request: (t) => ({ method: "DELETE", path: `/${t.complete}` }),
	},
	{
		name: "restarting a waiting run",
		status: 409,
		code: "conflict",
		request: (t) => ({ method: "POST", path: `/${t.waiting}/restart` }),
	},
	// Restart with a bad `from`.
	{
		name: "restart from a step that is not restartable",
		status: 400,
		code: "invalid-request",
		request: (t) => ({ method: "POST", path: `/${t.complete}/restart?from=plan` }),
	},
	{
		name: "restart from an empty step",
		status: 400,
		code: "invalid-request",
		request: (t) => ({ method: "POST", path: `/${t.complete}/restart?from=` }),
	},
	{
		name: "restart from a malformed subtask id",
		status: 400,
		code: "invalid-request",
		request: (t) => ({ method: "POST", path: `/${t.complete}/restart?from=subtask:..%2F..` }),
	},
	{
		name: "restart from two steps at once",
		status: 400,
		code: "invalid-request",
		request: (t) => ({ method: "POST", path: `/${t.complete}/restart?from=synthesise&from=subtask:s1` }),
	},
	{
		name: "restart from a subtask the run does not have",
		status: 404,
		code: "not-found",
		request: (t) => ({ method: "POST", path: `/${t.complete}/restart?from=subtask:ghost` }),
	},
	{
		name: "restart from a subtask that succeeded",
		status: 409,
		code: "conflict",
		request: (t) => ({ method: "POST", path: `/${t.complete}/restart?from=subtask:s1` }),
	},
	{
		name: "restart with an unknown parameter",
		status: 400,
		code: "invalid-request",
		request: (t) => ({ method: "POST", path: `/${t.complete}/restart?force=true` }),
	},
];

function get(path: string): BadRequest {
	return { method: "GET", path };
}

interface Answer {
	status: number;
	contentType: string | null;
	text: string;
}

async function send(request: BadRequest): Promise<Answer> {
	if (request.raw) return sendRaw(request);
	const { method, path, headers, body } = request;
	const res = await fetch(`${dev.url}${path}`, { method, headers, body });
	return { status: res.status, contentType: res.headers.get("content-type"), text: await res.text() };
}

/** One HTTP/1.1 request written byte for byte, read until the server closes the connection. */
function sendRaw({ method, path, headers = {}, body = "" }: BadRequest): Promise<Answer> {
	const { hostname, port } = new URL(dev.url);
	const requestHead = [
		`${method} ${path} HTTP/1.1`,
		`host: ${hostname}:${port}`,
		...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
		`content-length: ${Buffer.byteLength(body)}`,
		"connection: close",
	];
	return new Promise((resolve, reject) => {
		const socket = connect(Number(port), hostname);
		const chunks: Buffer[] = [];
		socket.on("data", (chunk) => chunks.push(chunk));
		socket.on("error", reject);
		socket.on("end", () => {
			const response = Buffer.concat(chunks).toString("latin1");
			const [head = "", ...rest] = response.split("\r\n\r\n");
			const [statusLine = "", ...lines] = head.split("\r\n");
			const contentType = lines.find((l) => /^content-type:/i.test(l))?.replace(/^content-type:\s*/i, "") ?? null;
			resolve({ status: Number(statusLine.split(" ")[1]), contentType, text: rest.join("\r\n\r\n") });
		});
		socket.end(Buffer.from(`${requestHead.join("\r\n")}\r\n\r\n${body}`, "latin1"));
	});
}

const targets: Targets = { waiting: "", complete: "", idempotencyKey: `bad-input-${crypto.randomUUID()}` };
let before: { total: number; waiting: RunStatus; complete: RunStatus };

/** Waits for a target run to settle; anything but `status` means the table would aim at the wrong state. */
async function reach(id: string, status: "waiting" | "complete") {
	const run = await waitForRun(dev.url, id, [status, "errored", "terminated"]);
	if (run.status !== status)
		throw new Error(`target run ${id} is ${run.status}, not ${status}: ${JSON.stringify(run.error)}`);
}

async function listTotal(): Promise<number> {
	const res = await fetch(`${dev.url}/runs?limit=1`);
	if (res.status !== 200) throw new Error(`GET /runs answered ${res.status}: ${await res.text()}`);
	return ((await res.json()) as { total: number }).total;
}

beforeAll(async () => {
	const id = `scn-${crypto.randomUUID()}`;
	await models.defineScenario({
		id,
		rules: [
			{
				match: "You are the planner",
				replies: [{ kind: "json", value: { subtasks: [llmSubtask("s1"), llmSubtask("s2")] } }],
			},
			{ match: "Your subtask: Subtask s1\n", replies: [{ kind: "text", text: "one" }] },
			{ match: "Your subtask: Subtask s2\n", replies: [{ kind: "text", text: "two" }] },
			{
				match: "You combine the results",
				replies: [{ kind: "json", value: { answer: "one and two", references: [] } }],
			},
		],
	});
	const options = { maxSubtasks: 2 };
	targets.waiting = await startRun(dev.url, {
		prompt: `Wait for me. [${id}]`,
		options: { ...options, approvePlan: true },
	});
	targets.complete = await startRun(
		dev.url,
		{ prompt: `Finish. [${id}]`, options },
		{ idempotencyKey: targets.idempotencyKey },
	);
	await reach(targets.complete, "complete");
	await reach(targets.waiting, "waiting");
	before = {
		total: await listTotal(),
		waiting: await readRun(dev.url, targets.waiting),
		complete: await readRun(dev.url, targets.complete),
	};
});

afterAll(async () => {
	// The waiting run would otherwise hold an instance until its approval times out.
	if (targets.waiting) await fetch(`${dev.url}/${targets.waiting}`, { method: "DELETE" });
});

describe("malformed requests through the dev server", () => {
	it("should cover at least 40 cases", () => {
		expect(cases.length).toBeGreaterThanOrEqual(40);
		expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
	});

	it.each(cases)("should answer $status $code to $name", async ({ status, code, request }) => {
		const res = await send(request(targets));
		expect({ status: res.status, body: res.text.slice(0, 500) }).toMatchObject({ status });
		expect(res.contentType).toMatch(/^application\/json\b/);
		const envelope = apiErrorSchema.parse(JSON.parse(res.text));
		expect(envelope.error.code).toBe(code);
		expect(envelope.error.message.length).toBeGreaterThan(0);
	});

	it("should have created no run and changed neither target run", async () => {
		expect(await listTotal()).toBe(before.total);
		expect(await readRun(dev.url, targets.waiting)).toEqual(before.waiting);
		expect(await readRun(dev.url, targets.complete)).toEqual(before.complete);
	});
});
