#!/usr/bin/env node
/**
 * Enforces the project tags' dependency rules (STYLE §2.1) without ESLint's nx plugin.
 *
 * Projects are the workspace packages matched by the root package.json `workspaces` globs; each one's
 * `name` and `nx.tags` come from its own package.json. Every .ts/.tsx/.mts/.cts/.mjs file under a
 * project (except node_modules, dot-folders such as .wrangler, and generated worker-configuration.d.ts)
 * is scanned for `import ... from "x"`, `import "x"`, `export ... from "x"` and `import("x")`.
 *
 * Rules:
 *   - an internal import must be allowed by `DEP_CONSTRAINTS` for the importer's `type:*` tag;
 *   - no project imports an app (`type:app`);
 *   - no relative import leaves the importing project's folder (use the package name instead);
 *   - every project carries exactly one `type:*` tag, so the rules above can be applied.
 *
 * Usage: `node scripts/check-boundaries.mjs [workspaceRoot]`. Prints `file:line: rule` for every
 * violation and exits 1, or prints a one-line summary and exits 0.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/**
 * Which `type:*` tags a project with a given `type:*` tag may import. A project may always import
 * itself. `type:app` appears in no list: nothing imports an app.
 */
export const DEP_CONSTRAINTS = Object.freeze({
	"type:app": ["type:data", "type:util", "type:test-tooling"],
	"type:test-tooling": ["type:data", "type:util"],
	"type:util": ["type:data"],
	"type:data": [],
});

const SCANNED_EXTENSIONS = [".ts", ".tsx", ".mts", ".cts", ".mjs"];
const SKIPPED_FILES = new Set(["worker-configuration.d.ts"]);
const REGEX_PRECEDING_KEYWORDS = new Set([
	"return",
	"typeof",
	"instanceof",
	"in",
	"of",
	"new",
	"delete",
	"void",
	"throw",
	"case",
	"do",
	"else",
	"yield",
	"await",
]);

/**
 * Replaces comments, regex literals and the contents of string and template literals with spaces
 * (newlines kept, so offsets and line numbers survive), and records each literal's value by the
 * offset of its opening quote. Import regexes then run on code only: an `import "x"` inside a string
 * or a comment is not an import.
 *
 * @param {string} source
 * @returns {{ masked: string, literals: Map<number, string> }}
 */
export function maskSource(source) {
	const out = source.split("");
	/** @type {Map<number, string>} */
	const literals = new Map();
	const blank = (from, to) => {
		for (let k = from; k < to; k++) if (out[k] !== "\n") out[k] = " ";
	};
	/** Kinds of open `{`: "brace" for code blocks, "template" for a template's `${`. */
	const braces = [];
	let lastToken = ""; // last significant character, or the last word when it ended in one
	let i = 0;
	const n = source.length;

	/** Scans template text from `i` (just after "`" or "}") to its end or to a `${`. */
	const scanTemplate = (start) => {
		let j = i;
		let cooked = "";
		while (j < n) {
			const c = source[j];
			if (c === "\\") {
				cooked += source.slice(j, j + 2);
				j += 2;
			} else if (c === "`") {
				blank(i, j);
				if (start !== -1) literals.set(start, cooked);
				i = j + 1;
				lastToken = "`";
				return;
			} else if (c === "$" && source[j + 1] === "{") {
				blank(i, j);
				braces.push("template");
				i = j + 2;
				lastToken = "{";
				return;
			} else {
				cooked += c;
				j++;
			}
		}
		blank(i, n);
		i = n;
	};

	while (i < n) {
		const c = source[i];
		const next = source[i + 1];
		if (c === "/" && next === "/") {
			const end = source.indexOf("\n", i);
			const stop = end === -1 ? n : end;
			blank(i, stop);
			i = stop;
		} else if (c === "/" && next === "*") {
			const end = source.indexOf("*/", i + 2);
			const stop = end === -1 ? n : end + 2;
			blank(i, stop);
			i = stop;
		} else if (c === '"' || c === "'") {
			let j = i + 1;
			let value = "";
			while (j < n && source[j] !== c && source[j] !== "\n") {
				if (source[j] === "\\") {
					value += source[j + 1] ?? "";
					j += 2;
				} else value += source[j++];
			}
			literals.set(i, value);
			blank(i + 1, j);
			i = j + 1;
			lastToken = c;
		} else if (c === "`") {
			i++;
			scanTemplate(i - 1);
		} else if (c === "/" && isRegexStart(lastToken)) {
			let j = i + 1;
			let inClass = false;
			while (j < n && source[j] !== "\n") {
				const d = source[j];
				if (d === "\\") j++;
				else if (d === "[") inClass = true;
				else if (d === "]") inClass = false;
				else if (d === "/" && !inClass) break;
				j++;
			}
			blank(i, j + 1);
			i = j + 1;
			lastToken = "/";
		} else if (c === "{") {
			braces.push("brace");
			lastToken = c;
			i++;
		} else if (c === "}") {
			if (braces.pop() === "template") {
				out[i] = " ";
				i++;
				scanTemplate(-1);
			} else {
				lastToken = c;
				i++;
			}
		} else if (/[\w$]/.test(c)) {
			let j = i;
			while (j < n && /[\w$]/.test(source[j])) j++;
			lastToken = source.slice(i, j);
			i = j;
		} else {
			if (!/\s/.test(c)) lastToken = c;
			i++;
		}
	}
	return { masked: out.join(""), literals };
}

/** Whether a `/` after `lastToken` starts a regex literal rather than a division. */
function isRegexStart(lastToken) {
	if (lastToken === "") return true;
	if (/^[\w$]+$/.test(lastToken)) return REGEX_PRECEDING_KEYWORDS.has(lastToken);
	return !/[)\]}"'`]/.test(lastToken);
}

const IMPORT_PATTERNS = [
	// import x from "a"; import { a, type B } from "a"; import * as a from "a"; import "a"; import type ...
	/(?<![\w$.])import\s*(?:[\w$*{}\s,]*?\bfrom\s*)?(?=["'`])/g,
	// export * from "a"; export * as a from "a"; export { a } from "a"; export type { A } from "a"
	/(?<![\w$.])export\s+(?:type\s+)?(?:\*\s*(?:as\s+[\w$]+\s*)?|\{[^}]*\}\s*)from\s*(?=["'`])/g,
	// import("a")
	/(?<![\w$.])import\s*\(\s*(?=["'`])/g,
];

/**
 * The module specifiers a source file imports or re-exports statically, plus `import("x")` calls with
 * a literal argument.
 *
 * @param {string} source
 * @returns {{ specifier: string, line: number }[]}
 */
export function findImports(source) {
	const { masked, literals } = maskSource(source);
	/** @type {Map<number, string>} */
	const found = new Map();
	for (const pattern of IMPORT_PATTERNS) {
		for (const match of masked.matchAll(pattern)) {
			const quoteAt = (match.index ?? 0) + match[0].length;
			const specifier = literals.get(quoteAt);
			if (specifier !== undefined) found.set(quoteAt, specifier);
		}
	}
	return [...found.entries()]
		.toSorted(([a], [b]) => a - b)
		.map(([offset, specifier]) => ({ specifier, line: lineAt(source, offset) }));
}

function lineAt(source, offset) {
	let line = 1;
	for (let k = 0; k < offset; k++) if (source.charCodeAt(k) === 10) line++;
	return line;
}

function readJson(file) {
	return JSON.parse(readFileSync(file, "utf8"));
}

/** Expands a workspaces glob whose segments are literal names or `*` (e.g. `apps/*`). */
function expandWorkspaceGlob(root, pattern) {
	let dirs = [root];
	for (const segment of pattern.split("/").filter((s) => s !== "" && s !== ".")) {
		if (segment.includes("*")) {
			const matcher = new RegExp(`^${segment.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replaceAll("*", "[^/]*")}$`);
			dirs = dirs.flatMap((dir) =>
				existsSync(dir)
					? readdirSync(dir, { withFileTypes: true })
							.filter((e) => e.isDirectory() && !e.name.startsWith(".") && matcher.test(e.name))
							.map((e) => join(dir, e.name))
					: [],
			);
		} else {
			dirs = dirs.map((dir) => join(dir, segment)).filter((dir) => existsSync(dir));
		}
	}
	return dirs;
}

/**
 * @typedef {{ name: string, root: string, tags: string[], type: string | undefined }} Project
 * @typedef {{ file: string, line: number, rule: string }} Violation
 */

/**
 * Reads the projects of the workspace at `root`.
 *
 * @param {string} root
 * @returns {Project[]}
 */
export function discoverProjects(root) {
	const rootPackage = readJson(join(root, "package.json"));
	const globs = Array.isArray(rootPackage.workspaces)
		? rootPackage.workspaces
		: (rootPackage.workspaces?.packages ?? []);
	const roots = [...new Set(globs.flatMap((glob) => expandWorkspaceGlob(root, glob)))].toSorted();
	return roots
		.filter((dir) => existsSync(join(dir, "package.json")))
		.map((dir) => {
			const pkg = readJson(join(dir, "package.json"));
			const tags = Array.isArray(pkg.nx?.tags) ? pkg.nx.tags.map(String) : [];
			const types = tags.filter((t) => t.startsWith("type:"));
			return {
				name: String(pkg.name ?? relative(root, dir)),
				root: dir,
				tags,
				type: types.length === 1 ? types[0] : undefined,
			};
		});
}

function* sourceFiles(dir) {
	for (const entry of readdirSync(dir, { withFileTypes: true }).toSorted((a, b) => a.name.localeCompare(b.name))) {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) {
			if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
			yield* sourceFiles(path);
		} else if (
			entry.isFile() &&
			!SKIPPED_FILES.has(entry.name) &&
			SCANNED_EXTENSIONS.some((ext) => entry.name.endsWith(ext))
		) {
			yield path;
		}
	}
}

function isInside(dir, path) {
	const rel = relative(dir, path);
	return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}

/** The project a bare specifier names (`@ow/schemas`, `@ow/schemas/testing`), if it is internal. */
function projectForSpecifier(projects, specifier) {
	return projects.find((p) => specifier === p.name || specifier.startsWith(`${p.name}/`));
}

/**
 * Checks every import of every project of the workspace at `root` against the rules.
 *
 * @param {string} root the workspace root (the folder with the root package.json)
 * @returns {{ projects: Project[], files: number, internalImports: number, violations: Violation[] }}
 */
export function checkBoundaries(root) {
	const workspaceRoot = resolve(root);
	const projects = discoverProjects(workspaceRoot);
	/** @type {Violation[]} */
	const violations = [];
	let files = 0;
	let internalImports = 0;

	for (const project of projects) {
		if (project.type === undefined) {
			violations.push({
				file: relative(workspaceRoot, join(project.root, "package.json")),
				line: 1,
				rule: `project ${project.name} needs exactly one type:* tag in nx.tags (has: ${project.tags.join(", ") || "none"})`,
			});
		}
		for (const file of sourceFiles(project.root)) {
			files++;
			const shown = relative(workspaceRoot, file);
			for (const { specifier, line } of findImports(readFileSync(file, "utf8"))) {
				if (specifier.startsWith(".") || isAbsolute(specifier)) {
					const target = resolve(dirname(file), specifier);
					if (!isInside(project.root, target)) {
						const owner = projects.find((p) => isInside(p.root, target));
						const fix = owner ? `; import "${owner.name}" instead` : "";
						violations.push({
							file: shown,
							line,
							rule: `relative import "${specifier}" leaves project ${project.name}${fix}`,
						});
					}
					continue;
				}
				const target = projectForSpecifier(projects, specifier);
				if (!target || target === project) continue;
				internalImports++;
				if (target.type === "type:app") {
					violations.push({
						file: shown,
						line,
						rule: `no project may import an app: ${project.name} imports ${target.name}`,
					});
					continue;
				}
				if (project.type === undefined || target.type === undefined) continue; // reported on package.json
				const allowed = DEP_CONSTRAINTS[project.type] ?? [];
				if (!allowed.includes(target.type)) {
					violations.push({
						file: shown,
						line,
						rule: `${project.name} (${project.type}) may not import ${target.name} (${target.type}); allowed: ${allowed.join(", ") || "no internal package"}`,
					});
				}
			}
		}
	}
	return { projects, files, internalImports, violations };
}

/** Runs the check on `root` and prints the result; returns the process exit code. */
export function main(root = process.cwd(), log = console.log, error = console.error) {
	const result = checkBoundaries(root);
	if (result.violations.length > 0) {
		for (const v of result.violations) error(`${v.file}:${v.line}: ${v.rule}`);
		error(`check-boundaries: ${result.violations.length} violation(s) in ${result.files} files.`);
		return 1;
	}
	log(
		`check-boundaries: ${result.projects.length} projects, ${result.files} files, ${result.internalImports} internal imports, no violations.`,
	);
	return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
	const defaultRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
	process.exitCode = main(process.argv[2] ?? defaultRoot);
}
