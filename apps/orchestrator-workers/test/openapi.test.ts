import { createExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { runRequestSchema } from "@ow/schemas";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createApp } from "../src/http/app";
import { DOCS_ASSETS } from "../src/openapi/docs-page";
import { buildOpenApiDocument, type OpenApiDocument } from "../src/openapi/document";
import { healthSchema, runAcceptedSchema, runListSchema } from "../src/openapi/responses";

const request = (path: string, init?: RequestInit) => exports.default.fetch(`http://orchestrator.test${path}`, init);
const METHODS = ["get", "post", "delete", "put", "patch", "head", "options"];

/** `METHOD /path` of every operation in the document. */
function documentedOperations(doc: OpenApiDocument): Set<string> {
	return new Set(
		Object.entries(doc.paths).flatMap(([path, item]) =>
			Object.keys(item)
				.filter((m) => METHODS.includes(m))
				.map((m) => `${m.toUpperCase()} ${path}`),
		),
	);
}

/**
 * `METHOD /path` of every route of the app, in OpenAPI form (`:id` and `:key{.+}` → `{id}`, `{key}`).
 * `ALL` entries are middleware and the 405 catch-alls, not operations. The document is generated from
 * the routes, so it cannot list a route the app lacks; a route without `operation({...})` would be
 * missing from it, which is what this finds.
 */
function appRoutes(): Set<string> {
	return new Set(
		createApp()
			.routes.filter((r) => r.method !== "ALL")
			.map((r) => `${r.method} ${r.path.replace(/:(\w+)(\{[^}]*\})?/g, "{$1}")}`),
	);
}

async function fetchDocument(): Promise<OpenApiDocument> {
	const res = await request("/openapi.json");
	expect(res.status).toBe(200);
	expect(res.headers.get("content-type")).toContain("application/json");
	return res.json();
}

describe("GET /openapi.json", () => {
	it("should serve the OpenAPI 3.1 document generated from the app's routes", async () => {
		const doc = await fetchDocument();
		expect(doc.openapi).toMatch(/^3\.1\./);
		expect(doc).toEqual(JSON.parse(JSON.stringify(await buildOpenApiDocument(createApp()))));
		expect(doc.servers).toEqual([expect.objectContaining({ url: "/" })]);
	});

	it("should document every route of the app", async () => {
		const documented = documentedOperations(await fetchDocument());
		const undocumented = [...appRoutes()].filter((r) => !documented.has(r));
		// A failure lists the routes to describe with `operation({...})` next to their handlers.
		expect(undocumented).toEqual([]);
	});

	it("should describe every path parameter, first, with its pattern", async () => {
		const doc = await fetchDocument();
		const getRun = doc.paths["/{id}"]?.get;
		expect(getRun?.parameters?.[0]).toMatchObject({
			name: "id",
			in: "path",
			required: true,
			description: "The run id.",
		});
		const artifact = doc.paths["/{id}/artifacts/{key}"]?.get?.parameters?.map((p) => p.name);
		expect(artifact).toEqual(["id", "key"]);
	});

	it("should give every operation a distinct operationId", async () => {
		const { paths } = await fetchDocument();
		const ids = Object.values(paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
		expect(ids.length).toBeGreaterThan(30);
		expect(new Set(ids).size).toBe(ids.length);
	});

	it("should describe POST / with the schema that validates it", async () => {
		const doc = await fetchDocument();
		const { $schema: _dialect, ...expected } = z.toJSONSchema(runRequestSchema, {
			target: "draft-2020-12",
			io: "input",
		});
		expect(doc.paths["/"]?.post?.requestBody?.content["application/json"]?.schema).toEqual({
			$ref: "#/components/schemas/RunRequest",
		});
		expect(doc.components.schemas.RunRequest).toEqual(expected);
	});

	it("should resolve every $ref to a component schema", async () => {
		const doc = await fetchDocument();
		const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g)].map(([, ref]) => ref!);
		expect(refs.length).toBeGreaterThan(10);
		for (const ref of refs) {
			expect(ref).toMatch(/^#\/components\/schemas\//);
			expect(Object.keys(doc.components.schemas)).toContain(ref.split("/").at(-1));
		}
	});

	it("should mark exactly the routes that need no key as public", async () => {
		const doc = await fetchDocument();
		const vars = { ...env, API_KEY: "a-key" };
		for (const [path, item] of Object.entries(doc.paths)) {
			for (const [method, op] of Object.entries(item)) {
				const url = `http://orchestrator.test${path.replace("{id}", "run_0000000000zzzzzzzzzzzzzz").replace("{key}", "k.png")}`;
				const headers: Record<string, string> = path === "/" && method === "get" ? { Accept: "text/html" } : {};
				const res = await createApp().request(
					url,
					{ method: method.toUpperCase(), headers },
					vars,
					createExecutionContext(),
				);
				const isPublic = Array.isArray(op.security) && op.security.length === 0;
				const documents401 = Object.keys(op.responses).includes("401");
				expect({ op: `${method} ${path}`, answers401: res.status === 401, documents401 }).toEqual({
					op: `${method} ${path}`,
					answers401: !isPublic,
					documents401: !isPublic,
				});
			}
		}
	});
});

describe("documented response bodies", () => {
	it("should match what the API answers", async () => {
		expect(healthSchema.parse(await (await request("/health")).json())).toEqual({ status: "ok" });
		const started = await request("/", {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ prompt: "Say hello." }),
		});
		expect(started.status).toBe(202);
		const { id } = runAcceptedSchema.parse(await started.json());
		const list = runListSchema.parse(await (await request("/runs?limit=5")).json());
		expect(list.runs.map((r) => r.id)).toContain(id);
		await (await env.ORCHESTRATOR_WORKFLOW.get(id)).terminate();
	});
});

describe("GET /docs", () => {
	it("should serve a page whose script and styles are its own routes, under a CSP without inline code", async () => {
		const page = await request("/docs");
		expect(page.status).toBe(200);
		const csp = page.headers.get("content-security-policy") ?? "";
		expect(csp).toContain("script-src 'self'");
		expect(csp).not.toContain("unsafe-inline");
		const html = await page.text();
		expect(html).toContain(`<script src="${DOCS_ASSETS.script}"`);
		expect(html).not.toMatch(/<script>|<style>|https?:\/\//);
		const script = await request(DOCS_ASSETS.script);
		expect(script.headers.get("content-type")).toContain("text/javascript");
		expect(await script.text()).toContain('fetch("/openapi.json"');
		const styles = await request(DOCS_ASSETS.styles);
		expect(styles.headers.get("content-type")).toContain("text/css");
	});
});
