#!/usr/bin/env node
// `npx nx dev orchestrator-workers`: the orchestrator and the browser harness in one `wrangler dev`
// on http://127.0.0.1:8787, offline, with no Cloudflare account.
// `npx nx dev orchestrator-workers -c remote-ai` (this script's `--remote-ai`): the same, with the `AI`
// binding of Workers AI remote (it needs `npx wrangler login`) and everything else local.
//
// Before starting it: seeds the browser cache where needed, applies D1 migrations to the local
// database, and checks that the configured model server answers. With the shipped defaults (Ollama's
// port) and nothing answering there, runs use the built-in demo model, and a banner says so; a model
// the developer configured that does not answer gets the exact fix instead (otherwise the first run
// would fail minutes later with a less direct error).
// Once it answers, one request wakes the Worker, whose first request runs the recovery sweep: runs
// that were in flight when the last dev server stopped move again even if nobody opens the page.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { seedBrowserCache } from "./seed-browser-cache.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const wrangler = path.join(root, "node_modules", "wrangler", "bin", "wrangler.js");
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CI: process.env.CI ?? "true" };
const port = process.env.PORT ?? "8787";

/** The model settings `.dev.vars` ships with: Ollama's OpenAI-compatible endpoint, no key. */
export const SHIPPED_MODEL_DEFAULTS = Object.freeze({
	MODEL_PROVIDER: "openai-compatible",
	MODEL_BASE_URL: "http://127.0.0.1:11434/v1",
});

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

/** The vars file wrangler reads next to the root config under `-e <env>`: `.dev.vars.<env>` if any. */
export function devVarsFile(dir, env) {
	const specific = path.join(dir, `.dev.vars.${env}`);
	return existsSync(specific) ? specific : path.join(dir, ".dev.vars");
}

/** True when `vars` name no model of the developer's own: the shipped defaults, no key, no model names. */
export function usesShippedModelDefaults(vars) {
	return (
		(vars.MODEL_PROVIDER || SHIPPED_MODEL_DEFAULTS.MODEL_PROVIDER) === SHIPPED_MODEL_DEFAULTS.MODEL_PROVIDER &&
		vars.MODEL_BASE_URL === SHIPPED_MODEL_DEFAULTS.MODEL_BASE_URL &&
		!vars.MODEL_API_KEY &&
		!vars.BIG_MODEL &&
		!vars.SMALL_MODEL
	);
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
		"`ollama pull llama3.2:3b`), or point MODEL_BASE_URL in .dev.vars at one that runs, or go back to the " +
		"shipped .dev.vars to get the built-in demo model.";
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

/** Shown when runs will use the demo model: why, what it does, and the three ways to a real model. */
export function demoBanner(why) {
	const lines = [
		'DEMO MODEL: runs get scripted answers, labelled "demo" in their status and on the page.',
		why,
		"The demo model plans one browser subtask per URL in a prompt and answers by quoting what it read.",
		"For real answers, stop this server and:",
		"  - Ollama: `ollama serve`, `ollama pull llama3.1:8b`, `ollama pull llama3.2:3b`, then start again;",
		"  - any OpenAI-compatible server: set MODEL_BASE_URL (and MODEL_API_KEY) in .dev.vars;",
		"  - Workers AI: `npx wrangler login`, then `npx nx dev orchestrator-workers -c remote-ai`.",
	];
	const width = Math.max(...lines.map((line) => line.length));
	const rule = "=".repeat(width + 4);
	return [rule, ...lines.map((line) => `| ${line.padEnd(width)} |`), rule].join("\n");
}

/**
 * What the dev server runs with: the wrangler environment, `--var` overrides and what to print first.
 * - `remoteAi`: env `remote-ai` (its AI binding is remote) with MODEL_PROVIDER=workers-ai;
 * - otherwise env `development`; when the model server does not answer and `vars` are the shipped
 *   defaults, MODEL_PROVIDER=demo and the demo banner, else the probe's problem as a warning.
 */
export async function devPlan({ remoteAi = false, vars, probe = probeModelServer }) {
	if (remoteAi) {
		return {
			env: "remote-ai",
			overrides: { MODEL_PROVIDER: "workers-ai" },
			notice: "Workers AI through a remote AI binding (billed to your account); everything else is local.",
		};
	}
	const problem = await probe(vars);
	if (!problem) {
		const notice = vars.MODEL_PROVIDER === "demo" ? demoBanner("MODEL_PROVIDER=demo is set in .dev.vars.") : null;
		return { env: "development", overrides: {}, notice };
	}
	if (usesShippedModelDefaults(vars)) {
		const why = `No model server answers at ${vars.MODEL_BASE_URL} (Ollama's port, the default in .dev.vars).`;
		return { env: "development", overrides: { MODEL_PROVIDER: "demo" }, notice: demoBanner(why) };
	}
	return { env: "development", overrides: {}, warning: `⚠ ${problem}` };
}

/** `wrangler dev` arguments for a plan. */
export function wranglerDevArgs(plan, devPort) {
	const args = ["dev", "-e", plan.env, "-c", "wrangler.jsonc", "-c", "apps/browser-harness/wrangler.jsonc"];
	args.push("--ip", "127.0.0.1", "--port", devPort);
	for (const [name, value] of Object.entries(plan.overrides)) args.push("--var", `${name}:${value}`);
	return args;
}

function run(args) {
	const result = spawnSync(process.execPath, [wrangler, ...args], { cwd: root, env, stdio: "inherit" });
	if (result.status !== 0) process.exit(result.status ?? 1);
}

async function main() {
	const remoteAi = process.argv.includes("--remote-ai");
	const target = remoteAi ? "remote-ai" : "development";
	seedBrowserCache();
	run(["d1", "migrations", "apply", "DB", "--local", "-e", target, "-c", "wrangler.jsonc"]);
	const plan = await devPlan({ remoteAi, vars: readDevVars(devVarsFile(root, target)) });
	if (plan.notice) console.log(`\n${plan.notice}\n`);
	if (plan.warning) console.warn(`\n${plan.warning}\n`);
	const child = spawn(process.execPath, [wrangler, ...wranglerDevArgs(plan, port)], {
		cwd: root,
		env,
		stdio: "inherit",
	});
	for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
	child.on("exit", (code) => process.exit(code ?? 0));
	// With PORT=0 wrangler picks the port and only it knows which; the first request will run the sweep.
	if (port !== "0") await wakeWhenReady(`http://127.0.0.1:${port}/health`, child);
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
