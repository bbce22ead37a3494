#!/usr/bin/env node
// `npx nx dev orchestrator-workers`: the orchestrator and the browser harness in one `wrangler dev`
// on http://127.0.0.1:8787, offline, with no Cloudflare account.
//
// Before starting it: seeds the browser cache where needed, applies D1 migrations to the local
// database, and checks that the configured model server answers, printing the exact fix if not
// (otherwise the first run would fail minutes later with a less direct error). Once it answers, one
// request wakes the Worker, whose first request runs the recovery sweep: runs that were in flight
// when the last dev server stopped move again even if nobody opens the page.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { seedBrowserCache } from "./seed-browser-cache.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const wrangler = path.join(root, "node_modules", "wrangler", "bin", "wrangler.js");
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CI: process.env.CI ?? "true" };
const port = process.env.PORT ?? "8787";

/** Reads KEY=VALUE lines of a .dev.vars file (what wrangler reads next to the root config). */
export function readDevVars(file) {
	if (!existsSync(file)) return {};
	const vars = {};
	for (const line of readFileSync(file, "utf8").split("\n")) {
		const match = /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
		if (match) vars[match[1]] = match[2].replace(/^"(.*)"$/, "$1");
	}
	return vars;
}

/**
 * Checks that the configured model server answers `GET <base>/models`. Returns null when it does
 * (or when the provider is Workers AI), else the message telling the developer what to do.
 */
export async function probeModelServer(vars, timeoutMs = 2_000) {
	const provider = vars.MODEL_PROVIDER || "openai-compatible";
	if (provider !== "openai-compatible") return null;
	const base = vars.MODEL_BASE_URL;
	const fix =
		"Fix: start an OpenAI-compatible server there (Ollama: `ollama serve`, then `ollama pull llama3.1:8b` and " +
		"`ollama pull llama3.2:3b`), or point MODEL_BASE_URL in .dev.vars at one that runs, or try the scripted " +
		"test server: `node tools/testing/src/model-server/cli.ts --port 11434`.";
	if (!base) return `MODEL_BASE_URL is not set in .dev.vars, so runs cannot reach a model.\n${fix}`;
	try {
		const res = await fetch(`${base.replace(/\/$/, "")}/models`, {
			headers: vars.MODEL_API_KEY ? { authorization: `Bearer ${vars.MODEL_API_KEY}` } : {},
			signal: AbortSignal.timeout(timeoutMs),
		});
		if (res.ok) return null;
		return `The model server at ${base} answered GET /models with ${res.status}; runs will fail.\n${fix}`;
	} catch (error) {
		return `No model server answers at ${base} (${error.cause?.code ?? error.message}); runs will fail until one does.\n${fix}`;
	}
}

function run(args) {
	const result = spawnSync(process.execPath, [wrangler, ...args], { cwd: root, env, stdio: "inherit" });
	if (result.status !== 0) process.exit(result.status ?? 1);
}

async function main() {
	seedBrowserCache();
	run(["d1", "migrations", "apply", "DB", "--local", "-e", "development", "-c", "wrangler.jsonc"]);
	const problem = await probeModelServer(readDevVars(path.join(root, ".dev.vars")));
	if (problem) console.warn(`\n⚠ ${problem}\n`);
	const child = spawn(
		process.execPath,
		[
			wrangler,
			"dev",
			"-e",
			"development",
			"-c",
			"wrangler.jsonc",
			"-c",
			"apps/browser-harness/wrangler.jsonc",
			"--ip",
			"127.0.0.1",
			"--port",
			port,
		],
		{ cwd: root, env, stdio: "inherit" },
	);
	for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
	child.on("exit", (code) => process.exit(code ?? 0));
	await wakeWhenReady(`http://127.0.0.1:${port}/health`, child);
}

/** Asks `url` until it answers (or the server exits): the Worker's first request starts the recovery sweep. */
export async function wakeWhenReady(url, child, { intervalMs = 500, timeoutMs = 300_000 } = {}) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline && child.exitCode === null) {
		try {
			const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
			await res.body?.cancel();
			return true;
		} catch {
			// Not listening yet (wrangler is still bundling or starting workerd): ask again shortly.
		}
		await new Promise((r) => setTimeout(r, intervalMs));
	}
	return false;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
