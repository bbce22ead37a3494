import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { createModels } from "../src/models";
import {
	redact,
	redactingFetch,
	REDACTED,
	SECRET_MIN_CHARS,
	secretsOf,
	shortSecretNames,
	warnAboutShortSecrets,
} from "../src/secrets";
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

	it("should leave secrets shorter than SECRET_MIN_CHARS alone, so ordinary text survives", () => {
		const plan = '{"subtasks":[{"id":"k1","title":"ask ollama","executor":"llm"}]}';
		expect(redact(plan, ["k", "ollama", "test", "x".repeat(SECRET_MIN_CHARS - 1)])).toBe(plan);
		expect(redact(`key ${"y".repeat(SECRET_MIN_CHARS)}!`, ["y".repeat(SECRET_MIN_CHARS)])).toBe(`key ${REDACTED}!`);
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

	it("should leave out secrets too short to redact, and name them", () => {
		const vars = { API_KEY: "ollama", MODEL_API_KEY: KEY };
		expect(secretsOf(vars)).toEqual([KEY]);
		expect(shortSecretNames(vars)).toEqual(["API_KEY"]);
		expect(shortSecretNames({ MODEL_API_KEY: "k", API_KEY: API_KEY })).toEqual(["MODEL_API_KEY"]);
	});
});

describe("warnAboutShortSecrets", () => {
	it("should log one warning naming the short secrets, never their values, once per isolate", () => {
		const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
		try {
			warnAboutShortSecrets({ MODEL_API_KEY: "k" });
			warnAboutShortSecrets({ MODEL_API_KEY: "k" });
			// The test bindings set no secret, so the Worker's own start-up did not warn before this.
			expect(warn).toHaveBeenCalledTimes(1);
			const line = String(warn.mock.calls[0]?.[0]);
			expect(JSON.parse(line)).toMatchObject({ level: "warn", secrets: ["MODEL_API_KEY"] });
			expect(line).toContain(`shorter than ${SECRET_MIN_CHARS} characters`);
			expect(line).not.toMatch(/"k"/);
		} finally {
			warn.mockRestore();
		}
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

	it("should pass a body without a secret on byte for byte, even one that is not UTF-8", async () => {
		const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('{"subtasks":"k"}'), 0xff, 0xfe, 0x80]);
		const fetchImpl = redactingFetch([KEY], async () => new Response(bytes, { status: 200 }));
		const res = await fetchImpl("http://model.test/v1/chat/completions");
		expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes);
	});

	it("should not touch answers at all when every secret is short", async () => {
		const body = '{"choices":[{"message":{"content":"the subtasks of ollama: k"}}]}';
		const fetchImpl = redactingFetch(["k", "ollama"], answer(body, { status: 200 }));
		expect(await (await fetchImpl("http://model.test/")).text()).toBe(body);
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
