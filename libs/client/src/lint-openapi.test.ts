import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { lintOpenApi } from "./lint-openapi";

const committed = () =>
	JSON.parse(readFileSync(path.resolve(import.meta.dirname, "../openapi.json"), "utf8")) as Record<string, unknown>;

describe("lintOpenApi", () => {
	it("should pass the committed document without an error", async () => {
		expect((await lintOpenApi(committed())).errors).toEqual([]);
	});

	it("should report a document without servers as an error", async () => {
		const { servers: _servers, ...document } = committed();
		expect((await lintOpenApi(document)).errors).toEqual([expect.stringContaining("no-empty-servers")]);
	});

	it("should report an operation without a success response", async () => {
		const document = committed() as { paths: Record<string, Record<string, { responses: object }>> };
		document.paths["/health"]!.get!.responses = { "500": { description: "Broken." } };
		const { errors, warnings } = await lintOpenApi(document);
		expect([...errors, ...warnings].join("\n")).toContain("operation-2xx-response");
	});
});
