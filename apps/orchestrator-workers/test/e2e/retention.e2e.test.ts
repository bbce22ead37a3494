/**
 * Retention end to end: `DELETE /:id?purge=true` deletes a finished run with its screenshot in the
 * harness's R2 bucket (409 while it runs), and a run older than RUN_RETENTION_DAYS disappears by
 * itself; /metrics counters never go down.
 */
import { browserSubtask, llmSubtask } from "@ow/schemas/testing";
import {
	listRuns,
	readRun,
	runWrangler,
	startModelServer,
	startProductStack,
	startRun,
	startStaticSite,
	waitForRun,
	type ModelServer,
	type StaticSite,
	type WranglerDev,
} from "@ow/testing";
import { afterAll, beforeAll, expect, it } from "vitest";

// About 40 s: long enough to purge a fresh run by hand first, short enough to watch one expire.
const RETENTION_DAYS = 0.00046;
let models: ModelServer;
let dev: WranglerDev;
let site: StaticSite;
/** The run left to expire; started first, so its retention runs out while the purge test runs. */
let expiring: Promise<string>;

beforeAll(async () => {
	models = await startModelServer();
	site = await startStaticSite({ "/page": "<!doctype html><title>Kept page</title><p>Sixty-one lanterns.</p>" });
	dev = await startProductStack(
		models.baseURL,
		{ RUN_RETENTION_DAYS: String(RETENTION_DAYS) },
		{ testScheduled: true },
	);
	expiring = startExpiringRun();
});

afterAll(async () => {
	await dev?.stop();
	await site?.stop();
	await models?.close();
});

/** Counter and histogram series of the registry in a scrape, by series (name and labels). */
async function counters(): Promise<Record<string, number>> {
	const text = await (await fetch(`${dev.url}/metrics`)).text();
	const counted = [...text.matchAll(/^# TYPE (\S+) (counter|histogram)$/gm)].map((m) => m[1]!);
	const series: Record<string, number> = {};
	for (const line of text.split("\n")) {
		const cut = line.lastIndexOf(" ");
		const name = line.slice(0, cut);
		// The browser pool's counters move by themselves; the registry's only move with runs.
		if (line.startsWith("#") || name.startsWith("orchestrator_browser_pool")) continue;
		if (counted.some((c) => name.startsWith(c))) series[name] = Number(line.slice(cut + 1));
	}
	return series;
}

/** Whether the harness's local R2 bucket still holds `key` (read with wrangler, as an operator would). */
async function stored(key: string): Promise<boolean> {
	const args = ["r2", "object", "get", `orchestrator-artifacts/${key}`, "--local", "--persist-to", dev.persistTo];
	args.push("-e", "development", "-c", "apps/browser-harness/wrangler.jsonc", "--pipe");
	return runWrangler(args).then(
		() => true,
		(error: Error) => {
			if (/not found|does not exist/i.test(error.message)) return false;
			throw error;
		},
	);
}

it("should purge a finished run with its screenshot, and refuse one still running", async () => {
	const id = `scn-${crypto.randomUUID()}`;
	const url = `${site.url}/page`;
	models.defineScenario({
		id,
		rules: [
			{ match: "You are the planner", replies: [{ kind: "json", value: { subtasks: [browserSubtask("page", url)] } }] },
			{ match: "Answer only from the page content", replies: [{ kind: "text", text: "{{fenced}}" }] },
			{
				match: "You combine the results",
				replies: [{ kind: "json", value: { answer: "{{fenced}}", references: [] } }],
			},
		],
	});
	const runId = await startRun(dev.url, { prompt: `Read ${url} [${id}]`, options: { screenshots: true } });
	const run = await waitForRun(dev.url, runId);
	expect(run.status).toBe("complete");
	const key = run.subtasks[0]!.artifacts[0]!.key;
	expect((await fetch(`${dev.url}/${runId}/artifacts/${key}`)).status).toBe(200);
	expect(await stored(key)).toBe(true);
	const before = await counters();

	const res = await fetch(`${dev.url}/${runId}?purge=true`, { method: "DELETE" });

	expect(res.status).toBe(200);
	expect(await res.json()).toEqual({ id: runId, purged: true });
	expect((await fetch(`${dev.url}/${runId}`)).status).toBe(404);
	expect((await listRuns(dev.url)).map((r) => r.id)).not.toContain(runId);
	expect(await stored(key)).toBe(false);
	const after = await counters();
	expect(after).toEqual({
		...before,
		orchestrator_runs_deleted_total: before.orchestrator_runs_deleted_total! + 1,
	});

	// A run in flight is not purged: 409, and it goes on.
	const slow = `scn-${crypto.randomUUID()}`;
	models.defineScenario({
		id: slow,
		rules: [
			{
				match: "You are the planner",
				replies: [{ kind: "json", value: { subtasks: [llmSubtask("a")] }, delayMs: 5_000 }],
			},
			{ match: "Your subtask", replies: [{ kind: "text", text: "x" }] },
			{
				match: "You combine the results",
				replies: [{ kind: "json", value: { answer: "{{fenced}}", references: [] } }],
			},
		],
	});
	const running = await startRun(dev.url, { prompt: `Slow. [${slow}]` });
	const refused = await fetch(`${dev.url}/${running}?purge=true`, { method: "DELETE" });
	expect(refused.status).toBe(409);
	expect((await waitForRun(dev.url, running)).status).toBe("complete");
});

/** A one-subtask run that completes at once and is then left alone until retention deletes it. */
async function startExpiringRun(): Promise<string> {
	const id = `scn-${crypto.randomUUID()}`;
	models.defineScenario({
		id,
		rules: [
			{ match: "You are the planner", replies: [{ kind: "json", value: { subtasks: [llmSubtask("a")] } }] },
			{ match: "Your subtask", replies: [{ kind: "text", text: "x" }] },
			{
				match: "You combine the results",
				replies: [{ kind: "json", value: { answer: "{{fenced}}", references: [] } }],
			},
		],
	});
	return startRun(dev.url, { prompt: `Soon gone. [${id}]` });
}

it("should delete a run older than RUN_RETENTION_DAYS by itself, keeping the counters", async () => {
	const runId = await expiring;
	expect((await waitForRun(dev.url, runId)).status).toBe("complete");
	const before = await counters();

	// The cron trigger runs the retention sweep; wrangler's test route fires it now, as Cloudflare's
	// scheduler would, instead of waiting for the local per-request sweep's half-minute throttle.
	await expect
		.poll(
			async () => {
				const swept = await fetch(`${dev.url}/__scheduled`);
				expect(swept.status).toBe(200);
				return (await fetch(`${dev.url}/${runId}`)).status;
			},
			{ timeout: 180_000, interval: 2_000 },
		)
		.toBe(404);

	expect((await listRuns(dev.url)).map((r) => r.id)).not.toContain(runId);
	const after = await counters();
	for (const [series, value] of Object.entries(before)) expect(after[series]).toBeGreaterThanOrEqual(value);
	expect(after.orchestrator_runs_deleted_total).toBeGreaterThan(before.orchestrator_runs_deleted_total!);
	await expect(readRun(dev.url, runId)).rejects.toMatchObject({ status: 404 });
});
