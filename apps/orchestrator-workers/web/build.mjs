#!/usr/bin/env node
// Builds the web page's static assets into dist/web (Workers Static Assets, `assets` in wrangler.jsonc):
//   ui.html      the page, served at /ui
//   ui/app.js    web/src/main.ts and its modules, bundled by esbuild
//   ui/app.css   web/app.css
//   _headers     the files' headers (Content-Security-Policy, caching)
// wrangler runs it before `wrangler dev`, `wrangler deploy` and `wrangler types` (`build.command`), and
// the unit tests' config runs it too, so the directory always matches the sources.
//
// Several wrangler processes may build at once (the test targets run in parallel), and a running
// `wrangler dev` reloads when the directory changes. So a file is written only when its content
// changed, and through a rename, which readers see whole or not at all.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const web = path.dirname(fileURLToPath(import.meta.url));
/** Where the assets go; wrangler.jsonc's `assets.directory` names the same place. */
export const ASSETS_DIR = path.join(web, "..", "dist", "web");

/** Builds every asset; resolves with the paths written (empty when all were current). */
export async function buildWeb() {
	const bundle = await build({
		entryPoints: [path.join(web, "src", "main.ts")],
		bundle: true,
		format: "iife",
		target: "es2022",
		minify: true,
		legalComments: "none",
		write: false,
		outfile: path.join(ASSETS_DIR, "ui", "app.js"),
		logLevel: "warning",
	});
	const files = [
		...bundle.outputFiles.map((file) => [file.path, file.contents]),
		[path.join(ASSETS_DIR, "ui.html"), readFileSync(path.join(web, "ui.html"))],
		[path.join(ASSETS_DIR, "ui", "app.css"), readFileSync(path.join(web, "app.css"))],
		[path.join(ASSETS_DIR, "_headers"), readFileSync(path.join(web, "_headers"))],
	];
	return files.filter(([file, contents]) => writeIfChanged(file, contents)).map(([file]) => file);
}

function writeIfChanged(file, contents) {
	let current;
	try {
		current = readFileSync(file);
	} catch {
		current = null;
	}
	if (current !== null && Buffer.compare(current, Buffer.from(contents)) === 0) return false;
	mkdirSync(path.dirname(file), { recursive: true });
	// Beside the assets directory, not in it: a watching `wrangler dev` never sees the half-written file.
	const temporary = path.join(ASSETS_DIR, "..", `.web-${process.pid}-${path.basename(file)}.tmp`);
	writeFileSync(temporary, contents);
	renameSync(temporary, file);
	return true;
}

/** Builds and says what changed: the entry point of wrangler's `build.command`. */
export async function main() {
	const written = await buildWeb();
	const what =
		written.length === 0 ? "current" : `wrote ${written.map((f) => path.relative(ASSETS_DIR, f)).join(", ")}`;
	console.log(`web assets ${what} (${path.relative(process.cwd(), ASSETS_DIR) || "."})`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
