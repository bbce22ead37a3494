/** The commands of `ow` that do more than one call. */
import {
	TERMINAL_STATES,
	unwrap,
	type OwClient,
	type PlanApproval,
	type RestartFrom,
	type RunRequest,
	type RunState,
	type RunStatus,
} from "@ow/client";
import { askYesNo } from "./ask.ts";
import { CliExit, EXIT } from "./exit.ts";
import { followRun } from "./follow.ts";
import { takeOverInterrupt } from "./interrupt.ts";
import { finalReport, labelsText, liveView, planLines, provenanceLines } from "./render.ts";

interface RunFlags {
	maxSubtasks?: number;
	failFast?: boolean;
	browser: boolean;
	screenshots?: boolean;
	approve?: boolean;
	budget?: number;
	idempotencyKey?: string;
	/** `key=value` pairs from repeated `--label`, already split. */
	label?: Record<string, string>;
	/** `--ensemble`, already parsed. */
	ensemble?: NonNullable<RunRequest["options"]>["ensemble"];
	json?: boolean;
}

export async function runCommand(client: OwClient, prompt: string, flags: RunFlags): Promise<void> {
	// Ctrl-C from here on offers to cancel the run (once it exists) instead of leaving it unseen.
	takeOverInterrupt();
	const options: NonNullable<RunRequest["options"]> = { allowBrowser: flags.browser };
	if (flags.maxSubtasks !== undefined) options.maxSubtasks = flags.maxSubtasks;
	if (flags.failFast) options.failurePolicy = "failFast";
	if (flags.screenshots) options.screenshots = true;
	if (flags.approve) options.approvePlan = true;
	if (flags.label) options.labels = flags.label;
	if (flags.budget !== undefined) options.budget = { maxTokens: flags.budget };
	if (flags.ensemble) options.ensemble = flags.ensemble;
	const accepted = unwrap(await client.startRun({ prompt, options }, { idempotencyKey: flags.idempotencyKey }));
	if (!flags.json) console.error(`run ${accepted.id} started: ${client.baseUrl}/${accepted.id}`);
	const run = await follow(client, accepted.id, {
		quiet: flags.json === true,
		onApproval: flags.approve ? (waiting) => askApproval(client, waiting) : undefined,
	});
	finish(run, flags.json);
}

export async function watchCommand(client: OwClient, id: string, flags: { json?: boolean }): Promise<void> {
	if (flags.json) {
		// One event a line, as the server sent it: for scripts (`jq`) and for checking nothing is missed.
		for await (const event of client.watch(id)) console.log(JSON.stringify(event));
		exitFor(unwrap(await client.getRun(id)).status);
		return;
	}
	finish(await follow(client, id, { quiet: false }), false);
}

export async function statusCommand(client: OwClient, id: string, flags: { json?: boolean }): Promise<void> {
	const run = unwrap(await client.getRun(id));
	if (flags.json) console.log(JSON.stringify(run, null, 2));
	else
		console.log(
			[
				liveView(run, Date.now()),
				...provenanceLines(run),
				...(TERMINAL_STATES.includes(run.status) ? [finalReport(run)] : []),
			].join("\n"),
		);
}

export async function listCommand(
	client: OwClient,
	flags: { status?: string; label?: Record<string, string>; limit: number; json?: boolean },
): Promise<void> {
	const label = Object.entries(flags.label ?? {}).map(([k, v]) => `${k}:${v}`);
	const query = {
		limit: flags.limit,
		...(flags.status ? { status: flags.status as RunState } : {}),
		...(label.length > 0 ? { label } : {}),
	};
	const list = unwrap(await client.listRuns(query));
	if (flags.json) {
		console.log(JSON.stringify(list, null, 2));
		return;
	}
	for (const run of list.runs) {
		console.log(
			[
				run.id,
				run.status.padEnd(10),
				run.createdAt,
				run.prompt.replace(/\s+/g, " ").slice(0, 60),
				...(Object.keys(run.labels).length > 0 ? [labelsText(run.labels)] : []),
			].join("  "),
		);
	}
	console.error(`${list.runs.length} of ${list.total} runs${list.nextCursor ? " (more with a larger --limit)" : ""}`);
}

/** `ow admission [open|close]`: shows the admission switch, or sets it. */
export async function admissionCommand(
	client: OwClient,
	action: string | undefined,
	flags: { reason?: string; retryAfter?: number; json?: boolean },
): Promise<void> {
	if (action !== undefined && action !== "open" && action !== "close")
		throw new CliExit(EXIT.usage, `error: ow admission takes "open" or "close", not "${action}"`);
	const state = unwrap(
		action === undefined
			? await client.getAdmission()
			: await client.setAdmission(
					action === "open"
						? { open: true }
						: {
								open: false,
								...(flags.reason ? { reason: flags.reason } : {}),
								...(flags.retryAfter ? { retryAfterSeconds: flags.retryAfter } : {}),
							},
				),
	);
	if (flags.json) console.log(JSON.stringify(state, null, 2));
	else
		console.log(
			state.open ? "admission open: new runs are taken" : `admission closed: ${state.reason ?? "no reason given"}`,
		);
}

export async function schedulesCommand(client: OwClient, flags: { limit: number; json?: boolean }): Promise<void> {
	const list = unwrap(await client.listSchedules({ limit: flags.limit }));
	if (flags.json) {
		console.log(JSON.stringify(list, null, 2));
		return;
	}
	for (const s of list.schedules) {
		const when = s.paused ? "paused" : `next ${s.nextAt ?? "-"}`;
		const error = s.lastError ? `  last tick: ${s.lastError.code}` : "";
		console.log(
			`${s.id}  ${`${s.cron} ${s.timezone}`.padEnd(24)}  ${when}  ${s.prompt.replace(/\s+/g, " ").slice(0, 50)}${error}`,
		);
	}
	console.error(`${list.schedules.length} schedules${list.nextCursor ? " (more with a larger --limit)" : ""}`);
}

export async function restartCommand(client: OwClient, id: string, from?: string): Promise<void> {
	const run = unwrap(await client.restartRun(id, from as RestartFrom | undefined));
	console.log(`${run.id} ${run.status}`);
}

export async function approveCommand(client: OwClient, id: string, answer: PlanApproval): Promise<void> {
	unwrap(await client.approvePlan(id, answer));
	console.log(`${id} ${answer.approved ? "approved" : "rejected"}`);
}

/** Follows a run; Ctrl-C stops following and offers to cancel the run. */
async function follow(
	client: OwClient,
	id: string,
	{ quiet, onApproval }: { quiet: boolean; onApproval?: (run: RunStatus) => Promise<void> },
): Promise<RunStatus> {
	const signal = takeOverInterrupt();
	const interrupted = new Promise<never>((_, reject) => {
		const stop = () => reject(new CliExit(EXIT.interrupted, ""));
		if (signal.aborted) stop();
		else signal.addEventListener("abort", stop, { once: true });
	});
	const following = followRun(client, id, {
		// A terminal with no size (some pseudo-terminals) cannot be redrawn in place.
		live: !quiet && process.stdout.isTTY === true && process.stdout.columns > 0,
		print: quiet ? () => {} : (line) => console.log(line),
		onApproval,
		signal,
	});
	try {
		return await Promise.race([following, interrupted]);
	} catch (error) {
		if (error instanceof CliExit && error.code === EXIT.interrupted) await offerCancel(client, id);
		throw error;
	}
}

async function offerCancel(client: OwClient, id: string): Promise<void> {
	if (!process.stdin.isTTY) {
		console.error(`\nstopped following; run ${id} goes on (ow cancel ${id} cancels it)`);
		return;
	}
	if (await askYesNo(`\nCancel run ${id}?`)) {
		const result = await client.cancelRun(id);
		console.error(result.ok ? `run ${id} cancelled` : `could not cancel: ${result.error.message}`);
	} else {
		console.error(`run ${id} goes on`);
	}
}

async function askApproval(client: OwClient, run: RunStatus): Promise<void> {
	console.error(["The plan:", ...planLines(run)].join("\n"));
	const approved = await askYesNo("Run this plan?");
	const answer: PlanApproval = approved ? { approved: true } : { approved: false, reason: "rejected in ow" };
	unwrap(await client.approvePlan(run.id, answer));
}

function finish(run: RunStatus, json: boolean | undefined): void {
	if (json) console.log(JSON.stringify(run, null, 2));
	else console.log(finalReport(run));
	exitFor(run.status);
}

function exitFor(state: RunState): void {
	if (state !== "complete") throw new CliExit(EXIT.runFailed, "");
}
