/**
 * Import rules for the whole workspace, checked by dependency-cruiser in `npm test` (`npm run boundaries`).
 *
 * The layering comes from each workspace project's `nx.tags` (STYLE §2.1): an app may import data, util
 * and test-tooling projects; test tooling may import data and util; util may import data; data imports
 * no internal project; nothing imports an app. Every project must carry exactly one `type:*` tag, so the
 * rules can be derived; a project without one fails here, before any file is read.
 *
 * Besides the layering: no import cycle (type-only imports count: a cycle through a type is still a
 * cycle a reader has to untangle), no relative import out of its project (import the package), and no
 * orphan module (a file nothing imports and that imports nothing is dead or misplaced).
 */
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

// dependency-cruiser reads TypeScript with the `typescript` package only up to 6.x (this workspace has 7,
// which has no JS compiler API), so it parses with swc. swc's AST visitor, which dependency-cruiser
// extends, predates `using` declarations and throws on them; teach it to walk their declarators like
// any variable declaration's, so an import inside one is still seen.
const { Visitor } = createRequire(import.meta.url)("@swc/core/Visitor.js");
const visitStatement = Visitor.prototype.visitStatement;
Visitor.prototype.visitStatement = function (statement) {
	if (statement.type !== "UsingDeclaration") return visitStatement.call(this, statement);
	statement.decls = this.visitVariableDeclarators(statement.decls);
	return statement;
};

/** Which `type:*` tags a project with a given `type:*` tag may import (itself always allowed). */
const DEP_CONSTRAINTS = {
	"type:app": ["type:data", "type:util", "type:test-tooling"],
	"type:test-tooling": ["type:data", "type:util"],
	"type:util": ["type:data"],
	"type:data": [],
};

const root = import.meta.dirname;
const escape = (text) => text.replace(/[.+?^${}()|[\]\\]/g, "\\$&");

/** The workspace projects (root package.json `workspaces`, each `folder/*`) with their one type tag. */
function projects() {
	const { workspaces } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
	return workspaces.flatMap((glob) => {
		const parent = glob.replace(/\/\*$/, "");
		return readdirSync(join(root, parent), { withFileTypes: true })
			.filter((entry) => entry.isDirectory() && !entry.name.startsWith("."))
			.map((entry) => {
				const folder = `${parent}/${entry.name}`;
				const pkg = JSON.parse(readFileSync(join(root, folder, "package.json"), "utf8"));
				const types = (pkg.nx?.tags ?? []).filter((tag) => tag.startsWith("type:"));
				if (types.length !== 1 || !(types[0] in DEP_CONSTRAINTS)) {
					throw new Error(
						`${folder}/package.json: project ${pkg.name} needs exactly one known type:* tag in nx.tags (has: ${types.join(", ") || "none"})`,
					);
				}
				return { name: pkg.name, folder, type: types[0] };
			});
	});
}

const all = projects();
/**
 * Matches a module of any of the projects: a resolved file under its folder, or, when the import could
 * not be resolved (apps export nothing), the bare package name.
 */
const pathOf = (list) => `^(${list.flatMap((p) => [`${escape(p.folder)}/`, `${escape(p.name)}(/|$)`]).join("|")})`;

/** One rule per project: the internal projects it may not import, given its type tag. */
const layering = all.flatMap((project) => {
	const allowed = DEP_CONSTRAINTS[project.type];
	// Apps are left to no-app-imports, which names the problem better.
	const forbidden = all.filter((p) => p !== project && p.type !== "type:app" && !allowed.includes(p.type));
	if (forbidden.length === 0) return [];
	return [
		{
			name: `layers:${project.name}`,
			comment: `${project.name} (${project.type}) may import only ${allowed.join(", ") || "no internal project"}`,
			severity: "error",
			from: { path: `^${escape(project.folder)}/` },
			to: { path: pathOf(forbidden) },
		},
	];
});

export default {
	forbidden: [
		{
			name: "no-circular",
			comment: "An import cycle, type-only imports included. Give the shared thing a home below its users.",
			severity: "error",
			from: {},
			to: { circular: true },
		},
		{
			name: "no-app-imports",
			comment: "Nothing imports an app.",
			severity: "error",
			from: { path: "^(apps|libs|tools|scripts)/([^/]+)" },
			to: { path: pathOf(all.filter((p) => p.type === "type:app")), pathNot: "^$1/$2/" },
		},
		...layering,
		{
			name: "orchestrator:routes-on-top",
			comment:
				"Only the app (http/app.ts) mounts routes; middleware, the OpenAPI document and the run logic sit below them. Move what both need below both.",
			severity: "error",
			from: {
				path: "^apps/orchestrator-workers/src/",
				pathNot: "^apps/orchestrator-workers/src/(routes/|http/app\\.ts$)",
			},
			to: { path: "^apps/orchestrator-workers/src/routes/" },
		},
		{
			name: "no-relative-import-out-of-project",
			comment: "A relative import stays inside its project; import the other project by its package name.",
			severity: "error",
			from: { path: "^(apps|libs|tools)/([^/]+)/" },
			to: { dependencyTypes: ["local"], pathNot: "^$1/$2/" },
		},
		{
			name: "no-orphans",
			comment: "A module nothing imports and that imports nothing: dead code, or it belongs elsewhere.",
			severity: "error",
			from: {
				orphan: true,
				pathNot: ["\\.d\\.ts$", "(^|/)(vitest|vitest\\.e2e)\\.config\\.ts$", "(^|/)\\.dependency-cruiser\\.mjs$"],
			},
			to: {},
		},
	],
	options: {
		parser: "swc",
		doNotFollow: { path: "node_modules" },
		exclude: { path: "(^|/)(node_modules|\\.wrangler|\\.nx|\\.local|dist|coverage)/|worker-configuration\\.d\\.ts$" },
		moduleSystems: ["es6", "cjs"],
		tsConfig: { fileName: "tsconfig.base.json" },
		enhancedResolveOptions: {
			exportsFields: ["exports"],
			conditionNames: ["import", "workerd", "worker", "browser", "default", "types"],
			extensions: [".ts", ".mts", ".js", ".mjs", ".d.ts", ".json"],
		},
	},
};
