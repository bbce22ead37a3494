/**
 * Following a run until it ends. Events come from the client's `watch` (SSE, resumed after a dropped
 * connection); each one prompts a fresh read of the status, which is what is drawn. On a terminal the
 * view is redrawn in place with a spinner; otherwise a plain line is printed per change.
 */
import { TERMINAL_STATES, unwrap, type OwClient, type RunStatus } from "@ow/client";
import logUpdate from "log-update";
import { liveView, subtaskLine } from "./render.ts";

export interface FollowOptions {
	/** Redraw in place (a terminal) or print a line per change. */
	live: boolean;
	/** Where plain lines go. */
	print: (line: string) => void;
	/** Called once when the run waits for its plan's approval. */
	onApproval?: (run: RunStatus) => Promise<void>;
	signal?: AbortSignal;
}

/** Follows the run to its end and answers its final status. */
export async function followRun(client: OwClient, id: string, options: FollowOptions): Promise<RunStatus> {
	const view = options.live ? new LiveView() : new PlainView(options.print);
	let run = unwrap(await client.getRun(id));
	let asked = false;
	const refresh = coalesced(async () => {
		run = unwrap(await client.getRun(id));
		view.show(run);
		// A run may also wait for a larger budget (POST /:id/budget); only a plan's wait asks for an approval.
		if (run.status === "waiting" && run.waitingFor !== "budget" && run.plan && options.onApproval && !asked) {
			asked = true;
			view.pause();
			await options.onApproval(run);
		}
	});
	view.show(run);
	try {
		if (!TERMINAL_STATES.includes(run.status)) {
			const events = client.watch(id, { signal: options.signal });
			while (!(await events.next()).done) await refresh();
		}
		await refresh();
	} finally {
		view.stop();
	}
	return run;
}

interface View {
	show(run: RunStatus): void;
	/** Stops drawing in place (e.g. to ask a question); the next `show` starts again below. */
	pause(): void;
	stop(): void;
}

class LiveView implements View {
	private run: RunStatus | undefined;
	private frame = 0;
	private timer: ReturnType<typeof setInterval> | undefined;

	show(run: RunStatus): void {
		this.run = run;
		this.timer ??= setInterval(() => this.draw(), 100);
		this.draw();
	}

	pause(): void {
		this.stop();
	}

	stop(): void {
		clearInterval(this.timer);
		this.timer = undefined;
		this.draw();
		logUpdate.done();
	}

	private draw(): void {
		if (this.run) logUpdate(liveView(this.run, Date.now(), this.frame++));
	}
}

/** Prints the run's state and each subtask's line when they change. */
class PlainView implements View {
	private seen = new Map<string, string>();
	private readonly print: (line: string) => void;

	constructor(print: (line: string) => void) {
		this.print = print;
	}

	show(run: RunStatus): void {
		this.once("run", `${run.status}`, () => `${run.id} ${run.status}`);
		for (const subtask of run.subtasks) {
			const key = `${subtask.status}:${subtask.attempts}:${subtask.progress?.iteration ?? ""}`;
			this.once(subtask.id, key, () => subtaskLine(subtask, Date.now(), null));
		}
	}

	pause(): void {}
	stop(): void {}

	private once(what: string, key: string, line: () => string): void {
		if (this.seen.get(what) === key) return;
		this.seen.set(what, key);
		this.print(line());
	}
}

/** Runs `task` at most once at a time; calls made meanwhile are folded into one more run after it. */
function coalesced(task: () => Promise<void>): () => Promise<void> {
	let running: Promise<void> | undefined;
	let again = false;
	const loop = async () => {
		do {
			again = false;
			await task();
		} while (again);
	};
	return () => {
		if (running) {
			again = true;
			return running;
		}
		running = loop().finally(() => (running = undefined));
		return running;
	};
}
