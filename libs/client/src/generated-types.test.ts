/**
 * The client is written against types generated from the OpenAPI document, so a change of the
 * document's shape that the client relies on stops it compiling. Proved here by generating types from
 * altered copies of the document and type-checking the client's sources against them.
 */
import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { generateTypes } from "./generate-types";

const root = path.resolve(import.meta.dirname, "..");
const tsc = path.resolve(root, "../../node_modules/typescript/bin/tsc");
const document = JSON.parse(readFileSync(path.join(root, "openapi.json"), "utf8")) as OpenApi;
const folders: string[] = [];

interface OpenApi {
	paths: Record<string, Record<string, unknown>>;
	components: { schemas: Record<string, { properties: Record<string, unknown>; required: string[] }> };
}

/** Type-checks the client's sources against types generated from `doc`; answers tsc's output, or "". */
async function typeCheckAgainst(doc: OpenApi): Promise<string> {
	// Inside the package, so the copy resolves openapi-fetch and @types/node as the real sources do.
	const dir = mkdtempSync(path.join(root, ".type-check-"));
	folders.push(dir);
	cpSync(path.join(root, "src"), path.join(dir, "src"), { recursive: true, filter: (f) => !f.endsWith(".test.ts") });
	writeFileSync(path.join(dir, "src/generated/api.ts"), await generateTypes(doc));
	writeFileSync(
		path.join(dir, "tsconfig.json"),
		JSON.stringify({ extends: "../../../tsconfig.base.json", compilerOptions: { types: ["node"] }, include: ["src"] }),
	);
	try {
		await promisify(execFile)(process.execPath, [tsc, "-p", dir, "--pretty", "false"]);
		return "";
	} catch (error) {
		return String((error as { stdout?: string }).stdout ?? error);
	}
}

const altered = (change: (doc: OpenApi) => void): OpenApi => {
	const copy = structuredClone(document);
	change(copy);
	return copy;
};

afterAll(() => {
	for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

describe("the generated types", () => {
	it("should compile the client as the document stands", async () => {
		expect(await typeCheckAgainst(document)).toBe("");
	});

	it("should stop the client compiling when a field it reads is renamed", async () => {
		const renamed = altered((doc) => {
			const runStatus = doc.components.schemas.RunStatus!;
			runStatus.properties.state = runStatus.properties.status;
			delete runStatus.properties.status;
			runStatus.required = runStatus.required.map((r) => (r === "status" ? "state" : r));
		});

		expect(await typeCheckAgainst(renamed)).toMatch(/src\/types\.ts.*error TS\d+.*'status'/);
	});

	it("should stop the client compiling when an operation it calls is removed", async () => {
		const removed = altered((doc) => delete doc.paths["/{id}/pause"]);

		expect(await typeCheckAgainst(removed)).toMatch(/src\/client\.ts.*error TS\d+/);
	});
});
