/**
 * Browser faults end to end: each run's plan has one browser subtask that hits a fault and one llm
 * subtask. Whatever the fault, the run must end (`complete` under bestEffort with the failed
 * subtask's code, `errored` under failFast), never stay `running`, and the attempts must follow the
 * retry policy: exactly one for a permanent error, STEP_RETRY_LIMIT + 1 for a retryable one that
 * keeps failing.
 */
import type { FailurePolicy, RunStatus, SubtaskStatus } from "@ow/schemas";
import { browserSubtask, llmSubtask } from "@ow/schemas/testing";
import {
	chromiumBrowsersOf,
	connectModelServer,
	holdRefusingPort,
	startProductStack,
	startRun,
	waitForRun,
	type WranglerDev,
} from "@ow/testing";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { RECOVERED_FACT, RECOVERED_TITLE, startFaultSite, type FaultSite } from "./fault-site";
import { E2E_VARS } from "./global-setup";

const models = connectModelServer(inject("modelURL"));
const shared = inject("devURL");
/** STEP_RETRY_LIMIT's default: the shared stack leaves it unset. */
const RETRY_LIMIT = 3;
/** A run that is still going after this is stuck: every fault here resolves well within it. */
const RUN_DEADLINE_MS = 40_000;
const NOTES_OUTPUT = "Notes on the request.";

let site: FaultSite;

beforeAll(async () => {
	site = await startFaultSite();
});

afterAll(() => site?.stop());

/**
 * Starts a run whose scripted planner asks for a browser subtask on `url` and an llm subtask, and
 * keeps planning the same (a repair gets the same plan back).
 */
async function startFaultRun(baseURL: string, url: string, failurePolicy: FailurePolicy): Promise<string> {
	const id = `scn-${crypto.randomUUID()}`;
	const plan = { subtasks: [browserSubtask("page", url), llmSubtask("notes")] };
	await models.defineScenario({
		id,
		rules: [
			{ match: "You are the planner", replies: [{ kind: "json", value: plan }] },
			{ match: "Answer only from the page content", replies: [{ kind: "text", text: "{{fenced}}" }] },
			{ match: "Your subtask: Subtask notes", replies: [{ kind: "text", text: NOTES_OUTPUT }] },
			{
				match: "You combine the results",
				replies: [{ kind: "json", value: { answer: "{{fenced}}", references: [] } }],
			},
		],
	});
	return startRun(baseURL, { prompt: `Read ${url} and take notes. [${id}]`, options: { failurePolicy } });
}

/** Waits for the run to end; a run still `running` after the deadline fails the test with its status. */
function finished(baseURL: string, runId: string, deadlineMs = RUN_DEADLINE_MS): Promise<RunStatus> {
	return waitForRun(baseURL, runId, ["complete", "errored", "terminated"], { timeoutMs: deadlineMs });
}

/** Starts the same fault run under both failure policies at once and waits for both to end. */
async function underBothPolicies(baseURL: string, url: string, deadlineMs?: number) {
	const [first, second] = await Promise.all([
		startFaultRun(baseURL, url, "bestEffort"),
		startFaultRun(baseURL, url, "failFast"),
	]);
	const [bestEffort, failFast] = await Promise.all([
		finished(baseURL, first, deadlineMs),
		finished(baseURL, second, deadlineMs),
	]);
	return { bestEffort, failFast };
}

function subtask(run: RunStatus, id: string): SubtaskStatus {
	const found = run.subtasks.find((t) => t.id === id);
	if (!found) throw new Error(`run ${run.id} has no subtask ${id}: ${JSON.stringify(run.subtasks)}`);
	return found;
}

describe("browser faults on the shared stack", () => {
	it("should retry a browser subtask whose browser was killed while the page loaded, and complete", async () => {
		const path = `/held-once?id=${crypto.randomUUID()}`;
		const runId = await startFaultRun(shared, `${site.url}${path}`, "bestEffort");
		await expect.poll(() => site.log.includes(`GET ${path}`), { timeout: 30_000 }).toBe(true);
		const browsers = chromiumBrowsersOf(inject("devPid"));
		expect(browsers.length).toBeGreaterThan(0);
		for (const pid of browsers) process.kill(pid, "SIGKILL");

		const run = await finished(shared, runId);

		expect(run.status).toBe("complete");
		expect(subtask(run, "page")).toMatchObject({
			status: "succeeded",
			attempts: 2,
			error: null,
			source: { title: RECOVERED_TITLE },
		});
		expect(subtask(run, "page").output).toContain(RECOVERED_FACT);
		expect(subtask(run, "notes")).toMatchObject({ status: "succeeded", attempts: 1, output: NOTES_OUTPUT });
		expect(site.log.filter((line) => line === `GET ${path}`)).toHaveLength(2);
	});

	it("should give up on an unreachable host after STEP_RETRY_LIMIT retries, per failure policy", async () => {
		// Held for the whole test: a port that was merely free could be taken by another server meanwhile.
		const closed = await holdRefusingPort();
		const { bestEffort, failFast } = await underBothPolicies(shared, `${closed.url}/closed`).finally(() =>
			closed.close(),
		);

		const failed = { status: "failed", attempts: RETRY_LIMIT + 1, error: { code: "browser-failed" } };
		expect(bestEffort.status).toBe("complete");
		expect(subtask(bestEffort, "page")).toMatchObject(failed);
		expect(subtask(bestEffort, "page").error?.message).toMatch(/ERR_CONNECTION_REFUSED/);
		expect(subtask(bestEffort, "notes")).toMatchObject({ status: "succeeded", attempts: 1 });
		expect(bestEffort.result?.answer).toContain(NOTES_OUTPUT);

		expect(failFast).toMatchObject({ status: "errored", error: { code: "subtask-failed" }, result: null });
		expect(failFast.error?.message).toContain('"page"');
		expect(subtask(failFast, "page")).toMatchObject(failed);
	});

	it("should refuse a cloud metadata address once, without retrying, even with private URLs allowed", async () => {
		const url = "http://169.254.169.254/latest/meta-data/";
		const { bestEffort, failFast } = await underBothPolicies(shared, url);

		const refused = { status: "failed", attempts: 1, error: { code: "url-refused" } };
		expect(bestEffort.status).toBe("complete");
		expect(subtask(bestEffort, "page")).toMatchObject(refused);
		expect(subtask(bestEffort, "page").error?.message).toMatch(/never allowed/);
		expect(subtask(bestEffort, "notes")).toMatchObject({ status: "succeeded" });

		expect(failFast).toMatchObject({ status: "errored", error: { code: "subtask-failed" } });
		expect(subtask(failFast, "page")).toMatchObject(refused);
	});

	it.each(["file:///etc/passwd", "javascript:alert(document.cookie)"])(
		"should end the run with plan-invalid when the plan names %s, before any browser work",
		async (url) => {
			const run = await finished(shared, await startFaultRun(shared, url, "bestEffort"));

			expect(run).toMatchObject({ status: "errored", error: { code: "plan-invalid" }, plan: null });
			expect(run.error?.message).toContain(`has url "${url}", which is not http(s)`);
			expect(run.subtasks).toEqual([]);
		},
	);
});

/**
 * A hung page costs a navigation timeout per attempt (BROWSE_TIMEOUT_MS, 30 s by default), so this
 * stack shortens it to 3 s and allows one retry: two attempts, and the run must still end with the
 * timeout's code.
 */
describe("a hung page, with BROWSE_TIMEOUT_MS=3000 and STEP_RETRY_LIMIT=1", () => {
	let dev: WranglerDev;

	beforeAll(async () => {
		dev = await startProductStack(models.baseURL, { ...E2E_VARS, STEP_RETRY_LIMIT: "1", BROWSE_TIMEOUT_MS: "3000" });
	});

	afterAll(() => dev?.stop());

	it("should fail the browser subtask with the navigation timeout after two attempts, per failure policy", async () => {
		const path = `/hang?id=${crypto.randomUUID()}`;
		// Two attempts of 3 s each; the rest is slack for a loaded machine.
		const { bestEffort, failFast } = await underBothPolicies(dev.url, `${site.url}${path}`, 40_000);

		const timedOut = { status: "failed", attempts: 2, error: { code: "browser-failed" } };
		expect(bestEffort.status).toBe("complete");
		expect(subtask(bestEffort, "page")).toMatchObject(timedOut);
		expect(subtask(bestEffort, "page").error?.message).toMatch(/did not load within 3000 ms/);
		expect(subtask(bestEffort, "notes")).toMatchObject({ status: "succeeded" });

		// Should it end otherwise, its error and wrangler's output say why (this once ended "internal" in CI).
		const why = `${JSON.stringify(failFast.error)}\n${dev.output().slice(-20_000)}`;
		expect(failFast, why).toMatchObject({ status: "errored", error: { code: "subtask-failed" } });
		expect(subtask(failFast, "page")).toMatchObject(timedOut);
		// Two requests per run: the attempt and its one retry, nothing more.
		expect(site.log.filter((line) => line === `GET ${path}`)).toHaveLength(4);
	});
});
