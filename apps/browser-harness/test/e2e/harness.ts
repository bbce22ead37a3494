/** The harness behind the agent driver Worker, for the agent e2e tests (the plain harness is @ow/testing's). */
import type { AgentAction, AgentObservation, AgentSessionResult, AgentStep, PoolStats } from "@ow/schemas";
import { startWranglerDev, type WranglerDev } from "@ow/testing";
import type { DriveResult } from "./agent-driver/index";

/**
 * What the agent driver answers: how the drive ended, what the scripted model saw, the recorded
 * steps, and the answers to the repeated acts.
 */
export interface AgentDrive {
	status: number;
	result: DriveResult;
	observations: AgentObservation[];
	progress: Array<AgentStep & { maxIterations: number }>;
	repeats: Array<{ k: number; first: AgentSessionResult; again: AgentSessionResult }>;
}

/** The harness behind the agent driver Worker (`agent-driver/`), which drives agent sessions over its RPC. */
export interface AgentHarness {
	dev: WranglerDev;
	/** Drives an agent session from `request.url`; the model answers with `script`, one entry per decision. */
	drive(
		request: Record<string, unknown>,
		script: Array<AgentAction | null>,
		options?: { repeat?: number[] },
	): Promise<AgentDrive>;
	pool(): Promise<PoolStats>;
	stop(): Promise<void>;
}

/** Starts the agent driver and the harness in one `wrangler dev` (the harness reads its `.dev.vars`). */
export async function startAgentHarness(): Promise<AgentHarness> {
	const dev = await startWranglerDev({
		configs: ["apps/browser-harness/test/e2e/agent-driver/wrangler.jsonc", "apps/browser-harness/wrangler.jsonc"],
		readyTimeoutMs: 120_000,
	});
	return {
		dev,
		async drive(request, script, options = {}) {
			const res = await fetch(`${dev.url}/agent`, {
				method: "POST",
				headers: { "content-type": "application/json" },
				body: JSON.stringify({ request, script, ...options }),
			});
			if (res.status !== 200) throw new Error(`POST /agent answered ${res.status}: ${await res.text()}`);
			return { status: res.status, ...((await res.json()) as Omit<AgentDrive, "status">) };
		},
		async pool() {
			return (await (await fetch(`${dev.url}/pool`)).json()) as PoolStats;
		},
		stop: () => dev.stop(),
	};
}

/** Polls `check` until it holds, or fails with `what` after `timeoutMs`. */
export async function waitFor(
	what: string,
	check: () => boolean | Promise<boolean>,
	timeoutMs = 30_000,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (await check()) return;
		await new Promise((r) => setTimeout(r, 100));
	}
	throw new Error(`timed out waiting for ${what}`);
}
