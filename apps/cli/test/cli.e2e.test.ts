/**
 * The `ow` command as a user runs it, against a real `wrangler dev` with both Workers and the scripted
 * model server: a run to completion, errors with their exit codes, a watch across a dropped event
 * stream, and the live view in a real pseudo-terminal. Also the client's drift check: the committed
 * types are what the live OpenAPI document generates.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { stripVTControlCharacters } from "node:util";
import { createOwClient, unwrap, type ProgressEvent, type RunStatus } from "@ow/client";
import { generateTypes } from "@ow/client/generate";
import { llmSubtask } from "@ow/schemas/testing";
import { startModelServer, startProductStack, type ModelServer, type WranglerDev } from "@ow/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDroppingProxy } from "./dropping-proxy";
import { OW_BIN, runOw, runOwInPty } from "./run-ow";

let models: ModelServer;
let dev: WranglerDev;

beforeAll(async () => {
	models = await startModelServer();
	dev = await startProductStack(models.baseURL, { STEP_RETRY_DELAY_MS: "100" });
});

afterAll(async () => {
	await dev?.stop();
	await models?.close();
});

/** A scenario of `n` subtasks answered after `delayMs` each, and its prompt. */
function scenario(n: number, delayMs = 0): string {
	const id = `scn-${crypto.randomUUID()}`;
	const ids = Array.from({ length: n }, (_, i) => `s${i + 1}`);
	models.defineScenario({
		id,
		rules: [
			{ match: "You are the planner", replies: [{ kind: "json", value: { subtasks: ids.map((s) => llmSubtask(s)) } }] },
			...ids.map((s) => ({
				match: `Your subtask: Subtask ${s}\n`,
				replies: [{ kind: "text" as const, text: `fact ${s}`, delayMs }],
			})),
			{
				match: "You combine the results",
				replies: [
					{ kind: "json", value: { answer: "combined: {{fenced}}", references: [{ subtaskId: "s1", url: null }] } },
				],
			},
		],
	});
	return `Collect ${n} facts. [${id}]`;
}

describe("ow", () => {
	it("should run a prompt to completion and print the final status as JSON", async () => {
		const { code, stdout } = await runOw(["--url", dev.url, "run", scenario(2), "--json"]);

		expect(code).toBe(0);
		const run = JSON.parse(stdout) as RunStatus;
		expect(run.status).toBe("complete");
		expect(run.subtasks.map((s) => [s.id, s.status])).toEqual([
			["s1", "succeeded"],
			["s2", "succeeded"],
		]);
		expect(run.result?.answer).toContain("fact s2");
	});

	it("should exit 2 with the server's message for an unknown run and for a refused request", async () => {
		const unknown = await runOw(["--url", dev.url, "status", "run_0123456789abcdef0123456789abcdef"]);
		expect(unknown.code).toBe(2);
		expect(unknown.stderr).toMatch(/404 not-found: .*run_0123456789abcdef0123456789abcdef/);

		const refused = await runOw(["--url", dev.url, "run", "bad\u0001prompt"]);
		expect(refused.code).toBe(2);
		expect(refused.stderr).toMatch(/400 invalid-request/);
	});

	it("should label a run, show its labels and deployment in ow status, and list it by its labels", async () => {
		const suite = crypto.randomUUID();
		const args = ["--label", `suite=${suite}`, "--label", "team=search", "--label", "env=prod"];
		const ran = await runOw(["--url", dev.url, "run", scenario(1), ...args, "--json"]);
		expect(ran.code).toBe(0);
		const run = JSON.parse(ran.stdout) as RunStatus;
		expect(run.labels).toEqual({ suite, team: "search", env: "prod" });

		const status = await runOw(["--url", dev.url, "status", run.id]);
		expect(stripVTControlCharacters(status.stdout)).toContain(`labels: env=prod suite=${suite} team=search`);
		expect(stripVTControlCharacters(status.stdout)).toContain("deployment dev");

		const listed = await runOw(["--url", dev.url, "list", "--label", `suite=${suite}`, "--label", "env=prod"]);
		expect(listed.stdout).toContain(run.id);
		const none = await runOw(["--url", dev.url, "list", "--label", `suite=${suite}`, "--label", "env=dev", "--json"]);
		expect((JSON.parse(none.stdout) as { total: number }).total).toBe(0);

		const badLabel = await runOw(["--url", dev.url, "run", "x", "--label", "no-equals-sign"]);
		expect(badLabel.code).toBe(2);
	});

	it("should close admission so ow run is refused with the reason, and open it again", async () => {
		try {
			const closed = await runOw(["--url", dev.url, "admission", "close", "--reason", "upgrading the database"]);
			expect(closed.stdout).toContain("admission closed: upgrading the database");
			const refused = await runOw(["--url", dev.url, "run", scenario(1)]);
			expect(refused.code).toBe(2);
			expect(refused.stderr).toMatch(/503 admission-closed: .*upgrading the database/);
		} finally {
			const opened = await runOw(["--url", dev.url, "admission", "open"]);
			expect(opened.stdout).toContain("admission open");
		}
		expect((await runOw(["--url", dev.url, "run", scenario(1), "--json"])).code).toBe(0);
	});

	it("should exit 1 when the run errors", async () => {
		const id = `scn-${crypto.randomUUID()}`;
		models.defineScenario({
			id,
			rules: [{ match: "You are the planner", replies: [{ kind: "error", status: 400, message: "scripted refusal" }] }],
		});
		const { code, stdout } = await runOw(["--url", dev.url, "run", `Plan this. [${id}]`, "--json"]);

		expect(code).toBe(1);
		expect((JSON.parse(stdout) as RunStatus).status).toBe("errored");
	});

	it("should send --budget as the run's token budget: a 1-token run calls no model and exits 1", async () => {
		const id = `scn-${crypto.randomUUID()}`;
		models.defineScenario({ id, rules: [{ match: "", replies: [{ kind: "text", text: "never" }] }] });
		const { code, stdout } = await runOw(["--url", dev.url, "run", `Plan this. [${id}]`, "--budget", "1", "--json"]);

		expect(code).toBe(1);
		const run = JSON.parse(stdout) as RunStatus;
		expect(run.options.budget).toEqual({ maxTokens: 1, maxCostUsd: null });
		expect(run.error?.code).toBe("budget-exceeded");
		expect(models.scenarioStats(id)?.calls).toBe(0);
	});

	it("should start a vote with --ensemble and print each subtask's agreement", async () => {
		const { code, stdout, stderr } = await runOw(["--url", dev.url, "run", scenario(2), "--ensemble", "vote:3"]);

		expect(code).toBe(0);
		// Not a terminal: one plain line per change, the final one with the agreement.
		const lines = stripVTControlCharacters(stdout + stderr).split("\n");
		for (const id of ["s1", "s2"])
			expect(lines.some((l) => new RegExp(`^✓ +${id} .*vote 3/3 agreement 1\\.00`).test(l.trim()))).toBe(true);
	});

	it("should show every event exactly once when the event stream drops mid-run", async () => {
		const proxy = await startDroppingProxy(dev.url, 3);
		try {
			const client = createOwClient({ baseUrl: dev.url });
			const { id } = unwrap(await client.startRun({ prompt: scenario(3, 1_500) }));
			const watched = await runOw(["--url", proxy.url, "watch", id, "--json"]);

			expect(watched.code).toBe(0);
			const events = watched.stdout
				.trim()
				.split("\n")
				.map((line) => JSON.parse(line) as ProgressEvent);
			expect(proxy.cuts).toBe(1);
			expect(proxy.streams.length).toBeGreaterThanOrEqual(2);
			// Every event once, in order, from the first to the run's completion: what an unbroken
			// stream of the finished run delivers.
			const unbroken: ProgressEvent[] = [];
			for await (const event of client.watch(id)) unbroken.push(event);
			expect(events).toEqual(unbroken);
			expect(events.at(-1)?.type).toBe("run.completed");
			expect(events.filter((e) => e.type === "subtask.succeeded")).toHaveLength(3);
		} finally {
			await proxy.close();
		}
	});

	it("should draw the live view in place on a terminal, then the answer and usage", async () => {
		const { code, stdout: screen } = await runOwInPty(["--url", dev.url, "run", scenario(2, 800)]);

		expect(code).toBe(0);
		// log-update redraws by erasing lines (ESC[2K) and moving the cursor up (ESC[1A).
		expect(screen).toContain("\u001b[2K");
		expect(screen).toContain("\u001b[1A");
		const stdout = stripVTControlCharacters(screen);
		expect(stdout).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] +s1 +llm +running/);
		expect(stdout).toMatch(/✓ +s2 +llm +succeeded +attempt 1/);
		expect(stdout).toContain("Answer");
		expect(stdout).toContain("combined:");
		expect(stdout).toMatch(/Usage: \d+ in \/ \d+ out tokens, 4 model calls/);
	});

	it("should exit 130 on Ctrl-C and leave the run going when it cannot ask", async () => {
		const child = spawn(process.execPath, [OW_BIN, "--url", dev.url, "run", scenario(1, 3_000)], {
			stdio: ["ignore", "pipe", "pipe"],
		});
		let stderr = "";
		const started = new Promise<void>((resolve) =>
			child.stderr.on("data", (d: Buffer) => {
				stderr += d.toString();
				if (stderr.includes("started")) resolve();
			}),
		);
		const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
		await started;
		child.kill("SIGINT");

		expect(await exited).toBe(130);
		const id = /run (run_\w+) started/.exec(stderr)![1]!;
		expect(stderr).toContain(`stopped following; run ${id} goes on`);
		const run = unwrap(await createOwClient({ baseUrl: dev.url }).getRun(id));
		expect(run.status).not.toBe("terminated");
	});
});

describe("the client's generated types", () => {
	it("should be what the live OpenAPI document generates", async () => {
		const live = (await (await fetch(`${dev.url}/openapi.json`)).json()) as object;
		const root = path.resolve(import.meta.dirname, "../../../libs/client");
		const committed = readFileSync(path.join(root, "src/generated/api.ts"), "utf8");

		// When this fails: `npm run generate -w @ow/client -- <dev server URL>` and commit the result.
		expect(await generateTypes(live)).toBe(committed);
		expect(live).toEqual(JSON.parse(readFileSync(path.join(root, "openapi.json"), "utf8")));
	});
});
