/** Runs the `ow` command as a child process, optionally inside a pseudo-terminal. */
import { spawn } from "node:child_process";
import path from "node:path";

export const OW_BIN = path.resolve(import.meta.dirname, "../bin/ow.js");

export interface OwResult {
	code: number | null;
	stdout: string;
	stderr: string;
}

/** Runs `ow <args>` with its output piped (not a terminal). */
export function runOw(args: string[], env: Record<string, string> = {}, timeoutMs = 90_000): Promise<OwResult> {
	return collect(spawn(process.execPath, [OW_BIN, ...args], { env: { ...process.env, ...env } }), timeoutMs);
}

/**
 * Runs `ow <args>` in a real pseudo-terminal (util-linux `script`), so it sees a TTY on stdout and
 * draws its live view; answers what it wrote to the terminal.
 */
export function runOwInPty(args: string[], timeoutMs = 90_000): Promise<OwResult> {
	// A new pseudo-terminal has no size; a real terminal window has one.
	const command = `stty cols 120 rows 40; ${[process.execPath, OW_BIN, ...args].map(shellQuote).join(" ")}`;
	const child = spawn("script", ["-qfec", command, "/dev/null"], {
		env: { ...process.env, TERM: "xterm-256color" },
	});
	return collect(child, timeoutMs);
}

function collect(child: ReturnType<typeof spawn>, timeoutMs: number): Promise<OwResult> {
	return new Promise((resolve, reject) => {
		let stdout = "";
		let stderr = "";
		child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
		child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
		const timer = setTimeout(() => {
			child.kill("SIGKILL");
			reject(new Error(`ow did not finish in ${timeoutMs} ms:\n${stdout}\n${stderr}`));
		}, timeoutMs);
		child.on("error", reject);
		child.on("close", (code) => {
			clearTimeout(timer);
			resolve({ code, stdout, stderr });
		});
	});
}

const shellQuote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
