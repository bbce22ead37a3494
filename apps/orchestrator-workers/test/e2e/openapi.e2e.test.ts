// In Node, not workerd: the validator compiles the OpenAPI JSON schemas with ajv (code generation,
// which workerd forbids) and reads them from disk. test/openapi.test.ts checks the served document
// is this one and covers every route.
import { Script } from "node:vm";
import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { DOCS_SCRIPT } from "../../src/openapi/docs-page";
import { buildOpenApiDocument } from "../../src/openapi/document";

describe("the OpenAPI document", () => {
	it("should validate as OpenAPI 3.1", async () => {
		const validator = new Validator();
		const result = await validator.validate(JSON.parse(JSON.stringify(buildOpenApiDocument())));
		expect(result.errors).toBeUndefined();
		expect(result.valid).toBe(true);
		expect(validator.version).toBe("3.1");
	});

	it("should be checked by a validator that does catch mistakes", async () => {
		const broken = JSON.parse(JSON.stringify(buildOpenApiDocument()));
		delete broken.paths["/health"].get.responses["200"].description;
		expect((await new Validator().validate(broken)).valid).toBe(false);
	});
});

describe("the docs page script", () => {
	it("should be valid JavaScript", () => {
		expect(() => new Script(DOCS_SCRIPT, { filename: "docs.js" })).not.toThrow();
	});
});
