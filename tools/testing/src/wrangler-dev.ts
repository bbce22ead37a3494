/**
 * Starts a real `wrangler dev` for end-to-end tests and stops it again.
 *
 * Each launch gets its own persistence folder, so tests never share local D1, Durable Object or
 * Workflow state by accident; pass `persistTo` to keep state across a restart. Ports are never picked
 * ahead: wrangler is started with `--port 0` (and `--inspector-port 0`), the OS assigns free ports
 * when workerd binds them, and the port is read from wrangler's "Ready on" line. Probing for a free
 * port and handing it to wrangler would race with every other process binding ports meanwhile.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { descendantsOf } from "./process-tree.ts";
import path from "node:path";

/** The repository root (tools/testing/src -> ../../..). */
export const REPO_ROOT = path.resolve(import.meta.dirname, "../../..");

export interface WranglerDevOptions {
	/** Wrangler config files, relative to the repo root; the first is the Worker that serves HTTP. */
	configs: string[];
	/** Wrangler environment, `development` unless given. */
	env?: string;
	/** `--var NAME:VALUE` overrides, e.g. the scripted model server's URL. */
	vars?: Record<string, string>;
	/** Folder for local state; a fresh temporary folder unless given. */
	persistTo?: string;
	/** Port to listen on; one the OS assigns unless given. */
	port?: number;
	/** Port of wrangler's DevTools inspector (CPU profiles of the Workers); one the OS assigns unless given. */
	inspectorPort?: number;
	/** D1 binding whose migrations to apply to the local database first (the first config's). */
	migrateD1?: string;
	/** How long to wait for "Ready on"; wrangler's first start bundles both Workers. */
	readyTimeoutMs?: number;
	/** Serve `GET /__scheduled`, which runs the Worker's cron handler now (`wrangler dev --test-scheduled`). */
	testScheduled?: boolean;
	/**
	 * wrangler's local observability collector (on unless false): a streaming tail Worker in the same
	 * workerd that stores a trace event for every invocation, log line, fetch and storage call, for the
	 * local explorer. On Cloudflare, Workers Observability does that outside the Worker.
	 */
	localObservability?: boolean;
}

export interface WranglerDev {
	url: string;
	port: number;
	/** wrangler's process id: the root of the tree of workerd (and Chromium) processes it runs. */
	pid: number;
	persistTo: string;
	/** Everything wrangler printed so far (stdout and stderr), for failure messages. */
	output(): string;
	/** Stops wrangler and every process it started (workerd, Chromium). */
	stop(): Promise<void>;
	/** Kills wrangler and every process under it with SIGKILL, as a crash would: nothing gets to clean up. */
	crash(): Promise<void>;
}

/** Runs a wrangler command from the repo root with metrics off; resolves with its output or rejects. */
export function runWrangler(args: string[], timeoutMs = 120_000): Promise<string> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [wranglerBin(), ...args], { cwd: REPO_ROOT, env: wranglerEnv() });
		let out = "";
		child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
		child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
		const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
		child.on("exit", (code) => {
			clearTimeout(timer);
			if (code === 0) resolve(out);
			else reject(new Error(`wrangler ${args.join(" ")} exited with ${code}:\n${out}`));
		});
	});
}

/** Starts `wrangler dev` with the given configs and waits until it serves requests. */
export async function startWranglerDev(options: WranglerDevOptions): Promise<WranglerDev> {
	const persistTo = options.persistTo ?? mkdtempSync(path.join(tmpdir(), "ow-wrangler-"));
	const env = options.env ?? "development";
	if (options.migrateD1) {
		await runWrangler([
			"d1",
			"migrations",
			"apply",
			options.migrateD1,
			"--local",
			"-e",
			env,
			"-c",
			options.configs[0]!,
			"--persist-to",
			persistTo,
		]);
	}
	const args = [wranglerBin(), "dev", "--ip", "127.0.0.1", "--port", String(options.port ?? 0)];
	args.push("--inspector-port", String(options.inspectorPort ?? 0), "--persist-to", persistTo, "-e", env);
	for (const config of options.configs) args.push("-c", config);
	if (options.testScheduled) args.push("--test-scheduled");
	for (const [name, value] of Object.entries(options.vars ?? {})) args.push("--var", `${name}:${value}`);

	// detached: wrangler gets its own process group, so stop() can end workerd and Chromium with it.
	const observability = options.localObservability === false ? { X_LOCAL_OBSERVABILITY: "false" } : {};
	const child = spawn(process.execPath, args, {
		cwd: REPO_ROOT,
		env: { ...wranglerEnv(), ...observability },
		detached: true,
	});
	let output = "";
	child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
	child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
	const stop = () => stopProcessGroup(child);
	let url: URL;
	try {
		url = await waitUntilReady(child, () => output, options.readyTimeoutMs ?? 90_000);
	} catch (error) {
		await stop();
		throw error;
	}
	return {
		url: url.origin,
		port: Number(url.port),
		pid: child.pid ?? 0,
		persistTo,
		output: () => output,
		stop,
		crash: () => killProcessTree(child),
	};
}

function wranglerBin(): string {
	return path.join(REPO_ROOT, "node_modules", "wrangler", "bin", "wrangler.js");
}

function wranglerEnv(): NodeJS.ProcessEnv {
	// CI=true makes miniflare start Chromium with --no-sandbox, which it needs when running as root.
	const quiet = { WRANGLER_SEND_METRICS: "false", NO_COLOR: "1", FORCE_COLOR: "0" };
	return { ...process.env, ...quiet, CI: process.env.CI ?? "true" };
}

/** Waits for wrangler's "Ready on http://127.0.0.1:<port>" and returns that address. */
async function waitUntilReady(child: ChildProcess, output: () => string, timeoutMs: number): Promise<URL> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}:\n${output()}`);
		// A Worker that does not build is never served; wrangler waits for an edit instead of exiting.
		// oxlint-disable-next-line no-control-regex -- colour codes may sit between "[ERROR]" and the message
		if (/\[ERROR\] Build failed/.test(output().replace(/\x1b\[[\d;]*m/g, "")))
			throw new Error(`wrangler dev could not build:\n${output()}`);
		const ready = /Ready on (http:\/\/[\w.:[\]-]+)/.exec(output());
		if (ready) return new URL(ready[1]!);
		await new Promise((r) => setTimeout(r, 100));
	}
	throw new Error(`wrangler dev was not ready after ${timeoutMs} ms:\n${output()}`);
}

function kill(target: number, sig: NodeJS.Signals) {
	try {
		process.kill(target, sig);
	} catch (_error) {
		// Already gone: nothing left to stop.
	}
}

/** SIGKILL to wrangler's whole tree at once (collected first, while every parent is still alive). */
async function killProcessTree(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
	const pid = child.pid;
	const tree = descendantsOf([pid]).map((p) => p.pid);
	const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
	kill(-pid, "SIGKILL");
	for (const p of tree) kill(p, "SIGKILL");
	await exited;
}

/**
 * Stops a child spawned with `detached: true` (wrangler, or a command that runs it) and everything it
 * started: workerd and every browser. Chromium runs in a session of its own, so
 * the process group does not reach it: the tree is collected first (while the browsers' parent is
 * still alive) and whatever of it outlives wrangler is killed, so no browser is left spinning.
 */
export async function stopProcessGroup(child: ChildProcess): Promise<void> {
	// A child ended by a signal has no exit code, only a signal code; its "exit" has fired either way.
	if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
	const pid = child.pid;
	const tree = descendantsOf([pid]).map((p) => p.pid);
	const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
	kill(-pid, "SIGTERM");
	const timer = setTimeout(() => kill(-pid, "SIGKILL"), 5_000);
	await exited;
	clearTimeout(timer);
	for (const leftover of tree) kill(leftover, "SIGKILL");
}
