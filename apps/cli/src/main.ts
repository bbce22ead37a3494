/**
 * `ow`: start, follow and manage runs from a terminal. Every command talks to the API through
 * @ow/client. Exit codes: 0 complete / done, 1 the run errored or was cancelled, 2 usage or request
 * error, 130 Ctrl-C.
 */
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { createOwClient, OwApiError, type OwClient } from "@ow/client";
import { parseEnsemble } from "./ensemble-flag.ts";
import { CliExit, EXIT } from "./exit.ts";
import {
	admissionCommand,
	approveCommand,
	listCommand,
	schedulesCommand,
	restartCommand,
	runCommand,
	statusCommand,
	watchCommand,
} from "./commands.ts";

const DEFAULT_URL = "http://127.0.0.1:8787";

const positiveInt = (value: string) => {
	const n = Number(value);
	if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("a whole number of 1 or more");
	return n;
};

/** Collects repeated `--label key=value` into one object; the server checks keys and values (400). */
const collectLabel = (value: string, labels: Record<string, string> = {}) => {
	const at = value.indexOf("=");
	if (at < 1) throw new InvalidArgumentError("a label is key=value, e.g. team=search");
	return { ...labels, [value.slice(0, at)]: value.slice(at + 1) };
};

const program = new Command("ow")
	.description("Start, follow and manage runs of the orchestrator.")
	.option("--url <url>", "the API's base URL (OW_URL)", process.env.OW_URL ?? DEFAULT_URL)
	.option("--api-key <key>", "the API key, when the server sets API_KEY (OW_API_KEY)", process.env.OW_API_KEY)
	.showHelpAfterError()
	.exitOverride();

function client(): OwClient {
	const { url, apiKey } = program.opts<{ url: string; apiKey?: string }>();
	return createOwClient({ baseUrl: url, apiKey });
}

program
	.command("run")
	.description("start a run and follow it live; then print the answer, its references and the usage")
	.argument("<prompt>", "what to do")
	.option("--max-subtasks <n>", "most subtasks the plan may have", positiveInt)
	.option("--fail-fast", "end the run when a subtask fails (default: synthesise the rest)")
	.option("--no-browser", "plan no browser subtasks")
	.option("--screenshots", "keep a screenshot of each page read")
	.option("--approve", "show the plan and ask before running it")
	.option(
		"--budget <tokens>",
		"most tokens the run's model calls may spend; it stops when the next call would not fit",
		positiveInt,
	)
	.option("--idempotency-key <key>", "makes a retried command start one run")
	.option("--label <key=value>", "a label of your own for the run (repeatable)", collectLabel)
	.option(
		"--ensemble <spec>",
		"answer each llm subtask several times: vote:<samples> or debate:<agents>[:<rounds>[:<threshold>]]",
		parseEnsemble,
	)
	.option("--json", "print only the final status, as JSON")
	.action((prompt: string, options) => runCommand(client(), prompt, options));

program
	.command("watch")
	.description("follow a run live until it ends")
	.argument("<id>", "the run id")
	.option("--json", "print each event as a line of JSON")
	.action((id: string, options) => watchCommand(client(), id, options));

program
	.command("status")
	.description("print a run's status")
	.argument("<id>", "the run id")
	.option("--json", "print the status as JSON")
	.action((id: string, options) => statusCommand(client(), id, options));

program
	.command("list")
	.description("list runs, newest first")
	.option("--status <state>", "only runs in this state")
	.option("--label <key=value>", "only runs with this label (repeatable: all of them)", collectLabel)
	.option("--limit <n>", "how many", positiveInt, 20)
	.option("--json", "print the list as JSON")
	.action((options) => listCommand(client(), options));

program
	.command("admission")
	.description("show whether new runs are taken; `open` or `close` sets it (running runs go on)")
	.argument("[action]", "open | close")
	.option("--reason <text>", "why it is closed, shown to refused clients")
	.option("--retry-after <seconds>", "the Retry-After of refused runs", positiveInt)
	.option("--json", "print the switch as JSON")
	.action((action: string | undefined, options) => admissionCommand(client(), action, options));

program
	.command("schedules")
	.description("list schedules (recurring runs), newest first")
	.option("--limit <n>", "how many", positiveInt, 20)
	.option("--json", "print the list as JSON")
	.action((options) => schedulesCommand(client(), options));

program
	.command("cancel")
	.description("cancel a run")
	.argument("<id>", "the run id")
	.action(async (id: string) => printStatus(await client().cancelRun(id)));

program
	.command("pause")
	.description("pause a run")
	.argument("<id>", "the run id")
	.action(async (id: string) => printStatus(await client().pauseRun(id)));

program
	.command("resume")
	.description("resume a paused run")
	.argument("<id>", "the run id")
	.action(async (id: string) => printStatus(await client().resumeRun(id)));

program
	.command("restart")
	.description("redo a run, or part of it")
	.argument("<id>", "the run id")
	.option("--from <step>", "synthesise, or subtask:<id> of a failed subtask")
	.action((id: string, options: { from?: string }) => restartCommand(client(), id, options.from));

program
	.command("approve")
	.description("approve the plan of a run that waits for it")
	.argument("<id>", "the run id")
	.action((id: string) => approveCommand(client(), id, { approved: true }));

program
	.command("reject")
	.description("reject the plan of a run that waits for it")
	.argument("<id>", "the run id")
	.requiredOption("--reason <text>", "why")
	.action((id: string, options: { reason: string }) =>
		approveCommand(client(), id, { approved: false, reason: options.reason }),
	);

async function printStatus(result: Awaited<ReturnType<OwClient["getRun"]>>): Promise<void> {
	if (!result.ok) throw new OwApiError(result.status, result.error.code, result.error.message);
	console.log(`${result.data.id} ${result.data.status}`);
}

try {
	await program.parseAsync();
} catch (error) {
	process.exitCode = exitCodeOf(error);
}

function exitCodeOf(error: unknown): number {
	if (error instanceof CommanderError) {
		// Help and version end with code 0; every other parse error is a usage error.
		return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
	}
	if (error instanceof CliExit) {
		if (error.message) console.error(error.message);
		return error.code;
	}
	if (OwApiError.isInstance(error)) {
		console.error(`error: ${error.status} ${error.code}: ${error.message}`);
		return EXIT.usage;
	}
	const { url } = program.opts<{ url: string }>();
	const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
	console.error(`error: cannot reach ${url}: ${cause instanceof Error ? cause.message : String(cause)}`);
	return EXIT.usage;
}
