// Run from the workspace root: `npx vitest run scripts/check-boundaries.test.mjs`.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkBoundaries, findImports, main } from "./check-boundaries.mjs";

/** A workspace shaped like ours: two apps, schemas (data), prompts (util) and testing (test-tooling). */
const CLEAN_WORKSPACE = {
	"package.json": { name: "root", private: true, workspaces: ["apps/*", "libs/*", "tools/*"] },
	"apps/api/package.json": { name: "@x/api", nx: { tags: ["type:app", "scope:api"] } },
	"apps/api/src/index.ts": `import { runRequestSchema } from "@x/schemas";\nimport { planPrompt } from "@x/prompts";\nimport { helper } from "./helper";\n`,
	"apps/api/src/helper.ts": `export const helper = 1;\n`,
	"apps/api/test/unit.test.ts": `import { samplePlan } from "@x/schemas/testing";\nimport { startModelServer } from "@x/testing";\n`,
	"apps/harness/package.json": { name: "@x/harness", nx: { tags: ["type:app", "scope:harness"] } },
	"apps/harness/src/index.ts": `import type { BrowseResult } from "@x/schemas";\n`,
	"libs/schemas/package.json": { name: "@x/schemas", nx: { tags: ["type:data", "scope:shared"] } },
	"libs/schemas/src/index.ts": `export * from "./run-request";\nimport { z } from "zod";\n`,
	"libs/schemas/src/run-request.ts": `import { z } from "zod";\nexport const runRequestSchema = z.object({});\n`,
	"libs/schemas/src/testing.ts": `import type { Plan } from "@x/schemas";\n`,
	"libs/prompts/package.json": { name: "@x/prompts", nx: { tags: ["type:util", "scope:shared"] } },
	"libs/prompts/src/index.ts": `import type { Subtask } from "@x/schemas";\nexport { fence } from "./fence";\n`,
	"libs/prompts/src/fence.ts": `export const fence = (s: string) => s;\n`,
	"tools/testing/package.json": { name: "@x/testing", nx: { tags: ["type:test-tooling", "scope:shared"] } },
	"tools/testing/src/index.ts": `import { planSchema } from "@x/schemas";\nimport { createServer } from "node:http";\n`,
};

let root = "";

/** Writes `files` (path → text, or an object written as JSON) under the temp workspace. */
function write(files) {
	for (const [path, content] of Object.entries(files)) {
		const file = join(root, path);
		mkdirSync(dirname(file), { recursive: true });
		writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content, null, 2));
	}
}

beforeEach(() => {
	root = mkdtempSync(join(tmpdir(), "check-boundaries-"));
	write(CLEAN_WORKSPACE);
});

afterEach(() => {
	rmSync(root, { recursive: true, force: true });
});

describe("checkBoundaries", () => {
	it("should find every project with its name and type tag", () => {
		const { projects } = checkBoundaries(root);
		expect(projects.map((p) => [p.name, p.type])).toEqual([
			["@x/api", "type:app"],
			["@x/harness", "type:app"],
			["@x/prompts", "type:util"],
			["@x/schemas", "type:data"],
			["@x/testing", "type:test-tooling"],
		]);
	});

	it("should pass a clean workspace", () => {
		expect(checkBoundaries(root).violations).toEqual([]);
	});

	it("should count the internal imports it checked", () => {
		expect(checkBoundaries(root).internalImports).toBe(7);
	});

	it("should fail prompts importing an app", () => {
		write({ "libs/prompts/src/bad.ts": `\nimport { app } from "@x/api";\n` });
		expect(checkBoundaries(root).violations).toEqual([
			{
				file: join("libs", "prompts", "src", "bad.ts"),
				line: 2,
				rule: "no project may import an app: @x/prompts imports @x/api",
			},
		]);
	});

	it("should fail an app importing another app", () => {
		write({ "apps/api/src/bad.ts": `import type { Harness } from "@x/harness";\n` });
		expect(checkBoundaries(root).violations.map((v) => v.rule)).toEqual([
			"no project may import an app: @x/api imports @x/harness",
		]);
	});

	it("should fail schemas importing prompts", () => {
		write({ "libs/schemas/src/bad.ts": `export { fence } from "@x/prompts";\n` });
		expect(checkBoundaries(root).violations).toEqual([
			{
				file: join("libs", "schemas", "src", "bad.ts"),
				line: 1,
				rule: "@x/schemas (type:data) may not import @x/prompts (type:util); allowed: no internal package",
			},
		]);
	});

	it("should fail prompts importing test tooling", () => {
		write({ "libs/prompts/src/bad.ts": `const t = await import("@x/testing");\n` });
		expect(checkBoundaries(root).violations.map((v) => v.rule)).toEqual([
			"@x/prompts (type:util) may not import @x/testing (type:test-tooling); allowed: type:data",
		]);
	});

	it("should fail a relative import that leaves its project", () => {
		write({ "apps/api/src/bad.ts": `import { fence } from "../../../libs/prompts/src/fence";\n` });
		expect(checkBoundaries(root).violations).toEqual([
			{
				file: join("apps", "api", "src", "bad.ts"),
				line: 1,
				rule: 'relative import "../../../libs/prompts/src/fence" leaves project @x/api; import "@x/prompts" instead',
			},
		]);
	});

	it("should fail a relative import into a sibling folder that only shares a name prefix", () => {
		write({ "libs/prompts-extra/package.json": { name: "@x/prompts-extra", nx: { tags: ["type:util"] } } });
		write({ "libs/prompts/src/bad.ts": `import "../../prompts-extra/src/x";\n` });
		expect(checkBoundaries(root).violations.map((v) => v.file)).toEqual([join("libs", "prompts", "src", "bad.ts")]);
	});

	it("should fail a project without a type tag", () => {
		write({ "libs/untagged/package.json": { name: "@x/untagged", nx: { tags: ["scope:shared"] } } });
		expect(checkBoundaries(root).violations).toEqual([
			{
				file: join("libs", "untagged", "package.json"),
				line: 1,
				rule: "project @x/untagged needs exactly one type:* tag in nx.tags (has: scope:shared)",
			},
		]);
	});

	it("should skip node_modules, .wrangler and worker-configuration.d.ts", () => {
		write({
			"libs/schemas/node_modules/dep/index.ts": `import "@x/api";\n`,
			"apps/api/.wrangler/tmp/bundle.mjs": `import "@x/harness";\n`,
			"apps/api/worker-configuration.d.ts": `type H = import("@x/harness").Harness;\n`,
		});
		expect(checkBoundaries(root).violations).toEqual([]);
	});

	it("should scan .mjs and .tsx files", () => {
		write({ "libs/schemas/src/a.mjs": `import "@x/prompts";\n`, "libs/schemas/src/b.tsx": `import "@x/prompts";\n` });
		expect(checkBoundaries(root).violations.map((v) => v.file)).toEqual([
			join("libs", "schemas", "src", "a.mjs"),
			join("libs", "schemas", "src", "b.tsx"),
		]);
	});
});

describe("main", () => {
	it("should print a one-line summary and return 0 for a clean workspace", () => {
		const lines = [];
		expect(
			main(
				root,
				(line) => lines.push(line),
				(line) => lines.push(line),
			),
		).toBe(0);
		expect(lines).toEqual(["check-boundaries: 5 projects, 10 files, 7 internal imports, no violations."]);
	});

	it("should print file:line: rule for each violation and return 1", () => {
		write({ "libs/schemas/src/bad.ts": `import "@x/prompts";\n` });
		const errors = [];
		expect(
			main(
				root,
				() => undefined,
				(line) => errors.push(line),
			),
		).toBe(1);
		expect(errors[0]).toBe(
			`${join("libs", "schemas", "src", "bad.ts")}:1: @x/schemas (type:data) may not import @x/prompts (type:util); allowed: no internal package`,
		);
	});
});

/** The specifiers `findImports` finds in `source`, in order. */
function specifiers(source) {
	return findImports(source).map((i) => i.specifier);
}

describe("findImports", () => {
	it("should find default, named, namespace and type-only imports", () => {
		const source = `import a from "a";\nimport { b, type B } from 'b';\nimport * as c from "c";\nimport type { D } from "d";\n`;
		expect(specifiers(source)).toEqual(["a", "b", "c", "d"]);
	});

	it("should find a side-effect import", () => {
		expect(specifiers(`import "./setup";`)).toEqual(["./setup"]);
	});

	it("should find an import whose clause spans lines, on the line of its specifier", () => {
		expect(findImports(`import {\n\ta,\n\tb,\n} from "x";\n`)).toEqual([{ specifier: "x", line: 4 }]);
	});

	it("should find re-exports", () => {
		const source = `export * from "a";\nexport * as b from "b";\nexport { c } from "c";\nexport type { D } from "d";\n`;
		expect(specifiers(source)).toEqual(["a", "b", "c", "d"]);
	});

	it("should find dynamic imports with a string or plain template argument", () => {
		expect(specifiers("const a = await import('a');\ntype B = import(`b`).B;\n")).toEqual(["a", "b"]);
	});

	it("should ignore imports in comments and strings", () => {
		const source = `// import "a";\n/* import b from "b"; */\nconst s = 'import c from "c"';\nconst t = \`export * from "d"\`;\n`;
		expect(specifiers(source)).toEqual([]);
	});

	it("should ignore an import call with a computed argument", () => {
		expect(specifiers("await import(`./${name}`);\nawait import(name);\n")).toEqual([]);
	});

	it("should not mistake a quote inside a regex literal for a string", () => {
		const source = `const re = /["']/g;\nimport x from "x";\nconst half = a / 2 / b;\nimport y from "y";\n`;
		expect(findImports(source)).toEqual([
			{ specifier: "x", line: 2 },
			{ specifier: "y", line: 4 },
		]);
	});

	it("should keep scanning after a template literal with nested braces", () => {
		const source = 'const s = `a ${ { k: `b ${c}` }.k } d`;\nimport z from "z";\n';
		expect(specifiers(source)).toEqual(["z"]);
	});

	it("should ignore import.meta and property names called import", () => {
		expect(specifiers(`const u = import.meta.url;\nobj.import("x");\n`)).toEqual([]);
	});
});
