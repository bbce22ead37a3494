/**
 * The README's quick start as a newcomer meets it: a fresh clone of the committed tree, the machine's
 * own Node first on PATH (older than the 22.12 wrangler needs, where the machine has one), `npm install`,
 * then `npx nx dev orchestrator-workers` with no model server running. The run of a prompt naming a
 * page must complete on the demo model, with the page's text in its answer. Then the two other ways
 * `nx dev` starts: a configured model server that does not answer gets the fix (never the demo), and
 * `-c remote-ai` asks for Workers AI.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { stripVTControlCharacters } from "node:util";
import {
	holdRefusingPort,
	REPO_ROOT,
	startRun,
	startStaticSite,
	stopProcessGroup,
	waitForRun,
	type StaticSite,
} from "@ow/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const PAGE_TEXT = "Sea otters hold hands while they sleep, so that the current does not drift them apart.";

/** PATH without any node_modules/.bin folder: what a shell on this machine has before npm adds its own. */
function machinePath(): string[] {
	const bin = `${path.sep}node_modules${path.sep}.bin`;
	return (process.env.PATH ?? "").split(path.delimiter).filter((dir) => dir && !dir.includes(bin));
}

/** The machine's own `node`: the first on that PATH, and its version. */
function machineNode(): { dir: string; version: string } {
	const dir = machinePath().find((d) => existsSync(path.join(d, "node")));
	if (!dir) throw new Error("no node on PATH outside node_modules/.bin");
	return { dir, version: execFileSync(path.join(dir, "node"), ["--version"], { encoding: "utf8" }).trim() };
}

/** The environment of a newcomer's shell: the machine's PATH, none of npm's or vitest's variables. */
function newcomerEnv(nodeDir: string): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = { ...process.env };
	for (const name of Object.keys(env)) {
		if (/^(npm_|NODE_|VITEST|INIT_CWD$|NX_TASK|NX_WORKSPACE_ROOT$)/i.test(name)) delete env[name];
	}
	env.PATH = [nodeDir, ...machinePath()].join(path.delimiter);
	// No nx daemon: it would outlive the test in a session of its own (CI=true turns it off anyway).
	env.NX_DAEMON = "false";
	return env;
}

/** A command started as a newcomer would, in its own process group, with its output kept. */
interface Started {
	child: ChildProcess;
	output(): string;
	stop(): Promise<void>;
}

function start(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Started {
	const child = spawn(command, args, { cwd, env, detached: true });
	let output = "";
	child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
	child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
	// wrangler colours its output even without a terminal; the text is what matters here.
	const text = () => stripVTControlCharacters(output);
	return { child, output: text, stop: () => stopProcessGroup(child) };
}

/** Resolves with the first match of `pattern` in the output; rejects if the command ends first. */
async function waitForOutput(started: Started, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		const match = started.output().match(pattern);
		if (match) return match;
		if (started.child.exitCode !== null) break;
		await new Promise((r) => setTimeout(r, 200));
	}
	throw new Error(`no ${pattern} in the output (exit code ${started.child.exitCode}):\n${started.output()}`);
}

/** Runs a command to its end; resolves with its output and how long it took, or rejects. */
async function runToEnd(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv) {
	const began = Date.now();
	const started = start(command, args, cwd, env);
	const code = await new Promise<number | null>((resolve) => started.child.once("exit", resolve));
	if (code !== 0) throw new Error(`${command} ${args.join(" ")} exited with ${code}:\n${started.output()}`);
	return { output: started.output(), ms: Date.now() - began };
}

describe("the quick start on a fresh clone", () => {
	const node = machineNode();
	const clone = mkdtempSync(path.join(tmpdir(), "ow-quick-start-"));
	const env = newcomerEnv(node.dir);
	let install: { output: string; ms: number };
	let site: StaticSite;
	let dev: Started | undefined;

	beforeAll(async () => {
		execFileSync("git", ["clone", "--quiet", REPO_ROOT, clone]);
		site = await startStaticSite({
			"/otters": `<!doctype html><html><head><title>Otters</title></head><body><p>${PAGE_TEXT}</p></body></html>`,
		});
		install = await runToEnd("npm", ["install", "--no-audit", "--no-fund"], clone, env);
		// How long a newcomer waits (the npm cache is warm here); printed, not asserted.
		console.log(`quick start: npm install on the machine's node ${node.version} took ${install.ms} ms`);
	}, 300_000);

	afterAll(async () => {
		try {
			await dev?.stop();
			await site?.stop();
		} finally {
			rmSync(clone, { recursive: true, force: true });
		}
	});

	it("should install on the machine's own Node without warnings", async () => {
		expect(install.output).not.toMatch(/npm warn|EBADENGINE|allowScripts/i);
		expect(existsSync(path.join(clone, "node_modules", ".bin", "node"))).toBe(true);
		// .npmrc keeps engine warnings out of sight; install scripts are covered for real by allowScripts.
		const pending = await runToEnd("npm", ["approve-scripts", "--allow-scripts-pending"], clone, env);
		expect(pending.output).toContain("No packages with unreviewed install scripts.");
	});

	it("should start `nx dev` on the demo model and answer from the page a prompt names", async () => {
		// Nothing may answer on Ollama's port, or the dev server would rightly use it.
		const ollama = await fetch("http://127.0.0.1:11434/v1/models").then(
			(res) => `answered ${res.status}`,
			() => null,
		);
		expect(ollama, "something serves Ollama's port; the demo model is for when nothing does").toBeNull();

		// Port 0: wrangler binds a free port itself and prints it, so no other test can take it first.
		dev = start("npx", ["nx", "dev", "orchestrator-workers"], clone, { ...env, PORT: "0" });
		const [, url] = await waitForOutput(dev, /Ready on (http:\/\/127\.0\.0\.1:\d+)/, 240_000);
		expect(dev.output()).toContain("DEMO MODEL: runs get scripted answers");
		expect(dev.output()).not.toMatch(/requires at least Node\.js/);

		const id = await startRun(url!, { prompt: `What does ${site.url}/otters say about sleep?` });
		const run = await waitForRun(url!, id, undefined, { timeoutMs: 120_000 });
		expect(run.status).toBe("complete");
		expect(run.models.provider).toBe("demo");
		expect(run.plan?.subtasks).toEqual([
			expect.objectContaining({ id: "page-1", executor: "browser", url: `${site.url}/otters` }),
		]);
		expect(run.subtasks[0]?.output).toContain(PAGE_TEXT);
		expect(run.result?.answer).toContain(PAGE_TEXT);
		expect(run.result?.references).toEqual([{ subtaskId: "page-1", url: `${site.url}/otters` }]);
		expect(run.usage.inputTokens).toBeGreaterThan(0);
		expect(site.log).toContain("GET /otters");
		await dev.stop();
	}, 400_000);

	it("should print the fix, and not use the demo model, when a configured model server does not answer", async () => {
		const closed = await holdRefusingPort();
		const vars = `MODEL_PROVIDER=openai-compatible\nMODEL_BASE_URL=${closed.url}/v1\nALLOW_PRIVATE_URLS=true\n`;
		writeFileSync(path.join(clone, ".dev.vars.development"), vars);
		const configured = start("npx", ["nx", "dev", "orchestrator-workers"], clone, { ...env, PORT: "0" });
		try {
			await waitForOutput(
				configured,
				/No model server answers at http:\/\/127\.0\.0\.1:\d+\/v1 \(ECONNREFUSED\); runs will fail until one does\./,
				120_000,
			);
			expect(configured.output()).not.toContain("DEMO MODEL");
		} finally {
			await configured.stop();
			await closed.close();
			rmSync(path.join(clone, ".dev.vars.development"));
		}
	}, 180_000);

	it("should ask for Workers AI through the remote AI binding with `-c remote-ai`", async () => {
		const remote = start("npx", ["nx", "dev", "orchestrator-workers", "-c", "remote-ai"], clone, {
			...env,
			PORT: "0",
		});
		try {
			await waitForOutput(remote, /Workers AI through a remote AI binding/, 120_000);
			expect(remote.output()).not.toContain("DEMO MODEL");
		} finally {
			await remote.stop();
		}
	}, 180_000);
});
