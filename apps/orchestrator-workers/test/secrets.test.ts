import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createModels } from "../src/models";
import { redact, redactingFetch, REDACTED, secretsOf } from "../src/secrets";
import { generateAnswer } from "../src/workflows/model-call";
import { scenario } from "./scenario";

const KEY = "sk-test-4f9c2a7e1b8d3c6f";
const API_KEY = "ow-api-9d1e7c3b5a2f8e4d";
/** A fetch that always answers `body`. */
const answer = (body: string, init: ResponseInit) => async () => new Response(body, init);

describe("redact", () => {
	it("should replace every occurrence of every secret", () => {
		expect(redact(`Bearer ${KEY}, again ${KEY}; api ${API_KEY}`, [KEY, API_KEY])).toBe(
			`Bearer ${REDACTED}, again ${REDACTED}; api ${REDACTED}`,
		);
	});

	it("should replace a secret cut short, from 8 leading characters on", () => {
		expect(redact(`Incorrect API key provided: ${KEY.slice(0, 12)}***`, [KEY])).toBe(
			`Incorrect API key provided: ${REDACTED}***`,
		);
	});

	it("should leave fewer than 8 leading characters alone", () => {
		expect(redact(`keys look like ${KEY.slice(0, 7)}…`, [KEY])).toBe(`keys look like ${KEY.slice(0, 7)}…`);
	});

	it("should find a secret escaped inside a JSON string", () => {
		const secret = 'pa"ss\\word-0123456789';
		const body = JSON.stringify({ error: { message: `bad key ${secret}` } });
		expect(body).not.toContain(secret);
		expect(redact(body, [secret])).toBe(JSON.stringify({ error: { message: `bad key ${REDACTED}` } }));
	});

	it("should leave text without secrets as it is", () => {
		expect(redact("nothing to see", [KEY])).toBe("nothing to see");
		expect(redact(`no secrets configured ${KEY}`, [])).toBe(`no secrets configured ${KEY}`);
	});
});

describe("secretsOf", () => {
	it("should read API_KEY and MODEL_API_KEY and skip unset or blank ones", () => {
		expect(secretsOf({ API_KEY: API_KEY, MODEL_API_KEY: KEY, MODEL_BASE_URL: "http://x" })).toEqual([API_KEY, KEY]);
		expect(secretsOf({ API_KEY: " ", MODEL_API_KEY: "" })).toEqual([]);
	});
});

describe("redactingFetch", () => {
	it("should redact an error body and keep its status and headers", async () => {
		const body = JSON.stringify({ error: { message: `invalid key Bearer ${KEY}` } });
		const fetchImpl = redactingFetch(
			[KEY],
			answer(body, {
				status: 401,
				statusText: "Unauthorized",
				headers: { "content-type": "application/json", "content-length": String(body.length) },
			}),
		);
		const res = await fetchImpl("http://model.test/v1/chat/completions");
		expect([res.status, res.statusText, res.headers.get("content-type")]).toEqual([
			401,
			"Unauthorized",
			"application/json",
		]);
		expect(await res.json()).toEqual({ error: { message: `invalid key Bearer ${REDACTED}` } });
	});

	it("should pass event streams through untouched", async () => {
		const fetchImpl = redactingFetch(
			[KEY],
			answer(`data: ${KEY}\n\n`, { headers: { "content-type": "text/event-stream" } }),
		);
		expect(await (await fetchImpl("http://model.test/")).text()).toBe(`data: ${KEY}\n\n`);
	});
});

describe("a provider that echoes the key it was sent", () => {
	it("should fail the call without the key in the error", async () => {
		const s = await scenario([
			{ match: "", replies: [{ kind: "error", status: 401, message: "invalid key {{header:authorization}}" }] },
		]);
		const models = createModels({
			MODEL_PROVIDER: "openai-compatible",
			MODEL_BASE_URL: env.MODEL_BASE_URL,
			MODEL_API_KEY: KEY,
		});
		const call = generateAnswer(models.call("subtask", { instructions: "i", prompt: s.prompt() }));
		const error = await call.then(
			() => null,
			(e: unknown) => e as Error & { code: string },
		);
		expect(error?.code).toBe("model-rejected");
		expect(error?.message).toContain(`invalid key Bearer ${REDACTED}`);
		expect(error?.message).not.toContain(KEY.slice(0, 8));
	});
});
