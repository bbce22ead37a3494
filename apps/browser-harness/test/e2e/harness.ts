/** The harness behind the agent driver Worker, for the agent e2e tests (the plain harness is @ow/testing's). */
import type { AgentAction, AgentObservation, AgentStep, BrowseResult, PoolStats } from "@ow/schemas";
import { startWranglerDev, type WranglerDev } from "@ow/testing";

/** What the agent driver answers: the browse's result, what the scripted model saw, the progress reports. */
export interface AgentDrive {
	status: number;
	result: BrowseResult;
	observations: AgentObservation[];
	progress: Array<AgentStep & { maxIterations: number }>;
}

/** The harness behind the agent driver Worker (`agent-driver/`), which calls its RPC in agent mode. */
export interface AgentHarness {
	dev: WranglerDev;
	/** Runs `browse(request, {decide, progress})`; `decide` answers with `script`, one entry per call. */
	drive(request: Record<string, unknown>, script: Array<AgentAction | null | "throw">): Promise<AgentDrive>;
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
		async drive(request, script) {
			const res = await fetch(`${dev.url}/agent`, {
				method: "POST",
				headers: { "content-type": "application/json" },
				body: JSON.stringify({ request, script }),
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
