/**
 * Delayed runs on the real path: a run delayed by 3 s is `scheduled` (listed as such, not pausable)
 * and then completes, started no earlier than its time; one cancelled while scheduled never calls the
 * model; a start time in the past starts at once; conflicting or too distant start times are 400s
 * that start nothing. (A delayed run across a dev-server restart is in recovery.e2e.test.ts.)
 */
import { llmSubtask } from "@ow/schemas/testing";
import { connectModelServer, readProgressSse, readRun, startRun, waitForRun } from "@ow/testing";
import { describe, expect, inject, it } from "vitest";

const models = connectModelServer(inject("modelURL"));
const dev = { url: inject("devURL") };

async function oneSubtaskScenario() {
	const id = `scn-${crypto.randomUUID()}`;
	await models.defineScenario({
		id,
		rules: [
			{ match: "You are the planner", replies: [{ kind: "json", value: { subtasks: [llmSubtask("only")] } }] },
			{ match: "Your subtask: Subtask only\n", replies: [{ kind: "text", text: "done" }] },
			{
				match: "You combine the results",
				replies: [{ kind: "json", value: { answer: "{{fenced}}", references: [] } }],
			},
		],
	});
	return id;
}

const send = (method: string, path: string, body?: unknown) =>
	fetch(`${dev.url}${path}`, {
		method,
		headers: body === undefined ? {} : { "content-type": "application/json" },
		body: body === undefined ? undefined : JSON.stringify(body),
	});

async function scheduledTotal(): Promise<number> {
	return ((await (await send("GET", "/runs?status=scheduled&limit=1")).json()) as { total: number }).total;
}

describe("delayed runs", () => {
	it("should keep a run delayed by 3 s scheduled, then complete it after its start time", async () => {
		const id = await oneSubtaskScenario();
		const res = await send("POST", "/", { prompt: `Later, please. [${id}]`, options: { delaySeconds: 3 } });
		expect(res.status).toBe(202);
		const accepted = (await res.json()) as { id: string; status: string };
		expect(accepted.status).toBe("scheduled");

		const waiting = await readRun(dev.url, accepted.id);
		expect(waiting.status).toBe("scheduled");
		expect(Date.parse(waiting.startAt!)).toBeGreaterThan(Date.parse(waiting.createdAt));
		const listed = (await (await send("GET", "/runs?status=scheduled&limit=100")).json()) as { runs: { id: string }[] };
		expect(listed.runs.map((r) => r.id)).toContain(accepted.id);
		const pause = await send("POST", `/${accepted.id}/pause`);
		expect(pause.status).toBe(409);
		expect((await models.scenarioStats(id)).rules.map((r) => r.calls)).toEqual([0, 0, 0]);

		const run = await waitForRun(dev.url, accepted.id, ["complete", "errored", "terminated"], { timeoutMs: 60_000 });
		expect(run.status).toBe("complete");
		expect(run.startAt).toBe(waiting.startAt);
		expect((await models.scenarioStats(id)).rules.map((r) => r.calls)).toEqual([1, 1, 1]);
		// It became running no earlier than its start time.
		const { events } = await readProgressSse(dev.url, accepted.id, { timeoutMs: 10_000 });
		const statuses = events.filter((e) => e.type === "run.status").map((e) => [e.data.status, e.at]);
		expect(statuses[0]?.[0]).toBe("scheduled");
		const running = statuses.find(([status]) => status === "running");
		expect(Date.parse(String(running?.[1]))).toBeGreaterThanOrEqual(Date.parse(waiting.startAt!));
	});

	it("should cancel a scheduled run without ever calling the model", async () => {
		const id = await oneSubtaskScenario();
		const runId = await startRun(dev.url, { prompt: `Much later. [${id}]`, options: { delaySeconds: 3 } });
		expect((await readRun(dev.url, runId)).status).toBe("scheduled");

		const cancel = await send("DELETE", `/${runId}`);
		expect(cancel.status).toBe(200);
		expect(((await cancel.json()) as { status: string }).status).toBe("terminated");
		const instance = async () =>
			((await (await send("GET", `/${runId}/instance`)).json()) as { instance: { status: string } | null }).instance
				?.status;
		await expect.poll(instance, { timeout: 10_000 }).toBe("terminated");
		// Past the time it would have started: still nothing asked of the model.
		await new Promise((r) => setTimeout(r, 4_000));
		expect((await readRun(dev.url, runId)).status).toBe("terminated");
		expect((await models.scenarioStats(id)).rules.map((r) => r.calls)).toEqual([0, 0, 0]);
	});

	it("should start a run whose start time has passed at once", async () => {
		const id = await oneSubtaskScenario();
		const startAt = new Date(Date.now() - 60_000).toISOString();
		const res = await send("POST", "/", { prompt: `Now. [${id}]`, options: { startAt } });
		const accepted = (await res.json()) as { id: string; status: string };
		expect([res.status, accepted.status]).toEqual([202, "queued"]);
		const run = await waitForRun(dev.url, accepted.id);
		expect([run.status, run.startAt]).toEqual(["complete", null]);
	});

	it.each([
		[
			"both a start time and a delay",
			{ startAt: new Date(Date.now() + 60_000).toISOString(), delaySeconds: 5 },
			/pick one/,
		],
		[
			"a start time past MAX_START_DELAY_DAYS",
			{ startAt: new Date(Date.now() + 31 * 86_400_000).toISOString() },
			/at most 30 days/,
		],
		["a delay past MAX_START_DELAY_DAYS", { delaySeconds: 31 * 86_400 }, /at most 30 days/],
		["a start time without an offset", { startAt: "2030-01-01T00:00:00" }, /startAt/],
	])("should refuse %s with a 400 and start nothing", async (_what, options, message) => {
		const before = await scheduledTotal();
		const res = await send("POST", "/", { prompt: "Never.", options });
		expect(res.status).toBe(400);
		const body = (await res.json()) as { error: { code: string; message: string; details?: unknown } };
		expect(body.error.code).toBe("invalid-request");
		expect(JSON.stringify(body.error)).toMatch(message);
		expect(await scheduledTotal()).toBe(before);
	});
});
