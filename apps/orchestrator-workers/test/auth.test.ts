import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { apiErrorSchema } from "@ow/schemas";
import { describe, expect, it } from "vitest";
import { bearerToken, keysEqual } from "../src/http/auth";
import { parseCorsOrigins } from "../src/http/cors";
import { createApp } from "../src/http/app";

const KEY = "s3cret-key-for-tests";
const UNKNOWN_RUN = "run_0000000000zzzzzzzzzzzzzz";

/** A request to the real app with extra Worker variables (API_KEY, CORS_ORIGINS are not in the test env). */
function request(path: string, init: RequestInit = {}, vars: Record<string, string> = { API_KEY: KEY }) {
	return createApp().request(`http://orchestrator.test${path}`, init, { ...env, ...vars }, createExecutionContext());
}

const bearer = (key: string) => ({ headers: { Authorization: `Bearer ${key}` } });

async function expectUnauthorized(res: Response) {
	expect(res.status).toBe(401);
	expect(res.headers.get("www-authenticate")).toMatch(/^Bearer\b/);
	const body = apiErrorSchema.parse(await res.json());
	expect(body.error.code).toBe("unauthorized");
	return body;
}

describe("requireApiKey", () => {
	it("should leave the API open when API_KEY is not set", async () => {
		const res = await request("/runs", {}, {});
		expect(res.status).toBe(200);
	});

	it("should answer 401 with WWW-Authenticate when the key is missing", async () => {
		const { error } = await expectUnauthorized(await request("/runs"));
		expect(error.message).toContain("Authorization: Bearer");
	});

	it("should answer 401 with error=invalid_token for a wrong key", async () => {
		const res = await request("/runs", bearer(`${KEY}x`));
		await expectUnauthorized(res);
		expect(res.headers.get("www-authenticate")).toContain('error="invalid_token"');
	});

	it("should let a request with the right key through", async () => {
		expect((await request("/runs", bearer(KEY))).status).toBe(200);
	});

	it("should accept the Bearer scheme in any case", async () => {
		expect((await request("/runs", { headers: { Authorization: `bearer ${KEY}` } })).status).toBe(200);
	});

	it("should refuse a request before validating it", async () => {
		await expectUnauthorized(
			await request("/", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }),
		);
	});

	it("should keep GET /health public", async () => {
		expect((await request("/health")).status).toBe(200);
	});

	it("should keep the web page and the docs page public", async () => {
		for (const path of ["/ui", "/ui/app.js", "/ui/app.css", "/docs", "/docs/docs.js", "/docs/docs.css"]) {
			expect({ path, status: (await request(path)).status }).toEqual({ path, status: 200 });
		}
	});

	it("should keep GET / public only for an Accept header that prefers HTML", async () => {
		const page = await request("/", { headers: { Accept: "text/html,application/xhtml+xml,*/*;q=0.8" } });
		expect(page.status).toBe(200);
		expect(page.headers.get("content-type")).toContain("text/html");
		await expectUnauthorized(await request("/", { headers: { Accept: "application/json" } }));
	});

	it("should protect the metrics and the API description", async () => {
		await expectUnauthorized(await request("/metrics"));
		await expectUnauthorized(await request("/openapi.json"));
	});

	it("should accept ?access_token= on GET /:id/events", async () => {
		// Past authentication, the unknown run is a 404.
		expect((await request(`/${UNKNOWN_RUN}/events?access_token=${KEY}`)).status).toBe(404);
		await expectUnauthorized(await request(`/${UNKNOWN_RUN}/events?access_token=wrong`));
	});

	it("should not accept ?access_token= anywhere else", async () => {
		await expectUnauthorized(await request(`/runs?access_token=${KEY}`));
		await expectUnauthorized(await request(`/${UNKNOWN_RUN}?access_token=${KEY}`));
	});

	it("should fail loudly when API_KEY is set but blank", async () => {
		const res = await request("/runs", {}, { API_KEY: " " });
		expect(res.status).toBe(500);
		expect(apiErrorSchema.parse(await res.json()).error.code).toBe("config-invalid");
	});
});

describe("keysEqual", () => {
	it("should compare keys of any length", async () => {
		expect(await keysEqual(KEY, KEY)).toBe(true);
		expect(await keysEqual(KEY, `${KEY}-longer`)).toBe(false);
		expect(await keysEqual("", KEY)).toBe(false);
		expect(await keysEqual("S3cret-key-for-tests", KEY)).toBe(false);
	});
});

describe("bearerToken", () => {
	it("should read the token of a Bearer header only", () => {
		expect(bearerToken(`Bearer ${KEY}`)).toBe(KEY);
		expect(bearerToken(`Basic ${KEY}`)).toBeUndefined();
		expect(bearerToken("Bearer")).toBeUndefined();
		expect(bearerToken(undefined)).toBeUndefined();
	});
});

describe("CORS", () => {
	const origin = "https://app.example";
	const cors = { API_KEY: KEY, CORS_ORIGINS: `${origin}, https://other.example` };

	it("should answer a preflight with 204 and the allowed headers, before authentication", async () => {
		const res = await request(
			"/",
			{
				method: "OPTIONS",
				headers: {
					Origin: origin,
					"Access-Control-Request-Method": "POST",
					"Access-Control-Request-Headers": "authorization, content-type, idempotency-key",
				},
			},
			cors,
		);
		expect(res.status).toBe(204);
		expect(res.headers.get("access-control-allow-origin")).toBe(origin);
		expect(res.headers.get("access-control-allow-headers")?.split(",")).toEqual([
			"Authorization",
			"Content-Type",
			"Idempotency-Key",
			"Last-Event-ID",
		]);
		expect(res.headers.get("access-control-allow-methods")).toContain("DELETE");
	});

	it("should put CORS headers on answers, 401s included, so the page can read them", async () => {
		const res = await request("/runs", { headers: { Origin: origin } }, cors);
		expect(res.status).toBe(401);
		expect(res.headers.get("access-control-allow-origin")).toBe(origin);
		expect(res.headers.get("access-control-expose-headers")).toBe("Location,Retry-After");
		expect(res.headers.get("vary")).toContain("Origin");
	});

	it("should not allow an origin that is not listed", async () => {
		const res = await request("/runs", { headers: { Origin: "https://evil.example", ...bearer(KEY).headers } }, cors);
		expect(res.status).toBe(200);
		expect(res.headers.get("access-control-allow-origin")).toBeNull();
	});

	it("should allow any origin with CORS_ORIGINS=*", async () => {
		const res = await request("/health", { headers: { Origin: "https://any.example" } }, { CORS_ORIGINS: "*" });
		expect(res.headers.get("access-control-allow-origin")).toBe("*");
	});

	it("should send no CORS headers when CORS_ORIGINS is unset", async () => {
		const res = await request("/health", { headers: { Origin: origin } }, {});
		expect(res.headers.get("access-control-allow-origin")).toBeNull();
	});

	it("should refuse an unusable CORS_ORIGINS", () => {
		expect(parseCorsOrigins("https://a.example, https://b.example:8443")).toEqual([
			"https://a.example",
			"https://b.example:8443",
		]);
		expect(() => parseCorsOrigins("https://a.example/path")).toThrow(/CORS_ORIGINS/);
		expect(() => parseCorsOrigins("a.example")).toThrow(/CORS_ORIGINS/);
	});
});
