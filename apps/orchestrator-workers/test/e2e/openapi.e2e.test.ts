// In Node, not workerd: the validator compiles the OpenAPI JSON schemas with ajv (code generation,
// which workerd forbids) and the linter is a Node library. Both read the document the stack serves,
// which the app generates from its routes; test/openapi.test.ts checks it covers every route.
import { Script } from "node:vm";
import { lintOpenApi } from "@ow/client/lint";
import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, inject, it } from "vitest";
import { DOCS_SCRIPT } from "../../src/openapi/docs-page";

const devURL = inject("devURL");

async function servedDocument(): Promise<Record<string, unknown>> {
	const res = await fetch(new URL("/openapi.json", devURL));
	expect(res.status).toBe(200);
	return (await res.json()) as Record<string, unknown>;
}

describe("the OpenAPI document", () => {
	it("should validate as OpenAPI 3.1", async () => {
		const validator = new Validator();
		const result = await validator.validate(await servedDocument());
		expect(result.errors).toBeUndefined();
		expect(result.valid).toBe(true);
		expect(validator.version).toBe("3.1");
	});

	it("should be checked by a validator that does catch mistakes", async () => {
		const broken = (await servedDocument()) as { paths: Record<string, Record<string, { responses: object }>> };
		delete (broken.paths["/health"]!.get!.responses as Record<string, { description?: string }>)["200"]!.description;
		expect((await new Validator().validate(broken)).valid).toBe(false);
	});

	it("should pass the recommended lint rules without an error", async () => {
		expect((await lintOpenApi(await servedDocument())).errors).toEqual([]);
	});
});

describe("the docs page script", () => {
	it("should be valid JavaScript", () => {
		expect(() => new Script(DOCS_SCRIPT, { filename: "docs.js" })).not.toThrow();
	});
});
