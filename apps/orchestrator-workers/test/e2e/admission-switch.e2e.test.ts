/**
 * The admission switch end to end, on the shared stack: closed, `POST /`, `POST /batch` and an
 * idempotent `POST /` get a 503 with Retry-After and the operator's reason, while a run already
 * running completes; `GET /admission` and `/metrics` show it; reopened, runs start again (the refused
 * Idempotency-Key too). The switch is reopened whatever happens, since other files share the stack.
 */
import { llmSubtask } from "@ow/schemas/testing";
import { connectModelServer, readRun, startRun, waitForRun } from "@ow/testing";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

const models = connectModelServer(inject("modelURL"));
const dev = { url: inject("devURL") };
const suite = crypto.randomUUID();
const REASON = "maintenance window until 20:00";
let prompt: (text: string) => string;

beforeAll(() => {
	const id = `scn-${crypto.randomUUID()}`;
	models.defineScenario({
		id,
		rules: [
			// Slow enough to close admission while the run is in its first step.
			{
				match: "You are the planner",
				replies: [{ kind: "json", value: { subtasks: [llmSubtask("a")] }, delayMs: 1_500 }],
			},
			{ match: "Your subtask", replies: [{ kind: "text", text: "noted" }] },
			{
				match: "You combine the results",
				replies: [{ kind: "json", value: { answer: "done", references: [] } }],
			},
		],
	});
	prompt = (text) => `${text} [${id}]`;
});

afterAll(async () => {
	await setAdmission({ open: true });
});

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
	const res = await fetch(`${dev.url}${path}`, {
		method: "POST",
		headers: { "content-type": "application/json", ...headers },
		body: JSON.stringify(body),
	});
	return {
		status: res.status,
		retryAfter: res.headers.get("retry-after"),
		body: (await res.json()) as {
			id?: string;
			open?: boolean;
			reason?: string | null;
			error?: { code: string; message: string };
		},
	};
}

const setAdmission = (body: unknown) => post("/admission", body);
const admissionGauge = async () => {
	const text = await (await fetch(`${dev.url}/metrics`)).text();
	return /^orchestrator_admission_open (\d)$/m.exec(text)?.[1];
};
const labelled = (text: string) => ({ prompt: prompt(text), options: { labels: { suite } } });
const runsOfSuite = async () =>
	((await (await fetch(`${dev.url}/runs?label=suite:${suite}`)).json()) as { total: number }).total;

describe("the admission switch", () => {
	it("should refuse new runs with 503 while closed, let a running run complete, and admit again once reopened", async () => {
		const running = await startRun(dev.url, labelled("Runs through the closing."));
		await waitForRun(dev.url, running, ["running"], { intervalMs: 50 });

		const closed = await setAdmission({ open: false, reason: REASON, retryAfterSeconds: 30 });
		expect(closed.status).toBe(200);
		expect(closed.body).toMatchObject({ open: false, reason: REASON });
		expect(await (await fetch(`${dev.url}/admission`)).json()).toMatchObject({ open: false, reason: REASON });
		expect(await admissionGauge()).toBe("0");

		const key = crypto.randomUUID();
		const refused = [
			await post("/", labelled("Refused.")),
			await post("/batch", { runs: [labelled("Refused 1."), labelled("Refused 2.")] }),
			await post("/", labelled("Refused with a key."), { "idempotency-key": key }),
		];
		for (const answer of refused) {
			expect(answer.status).toBe(503);
			expect(answer.retryAfter).toBe("30");
			expect(answer.body.error?.code).toBe("admission-closed");
			expect(answer.body.error?.message).toContain(REASON);
		}
		expect((await waitForRun(dev.url, running, ["complete", "errored"])).status).toBe("complete");
		expect(await runsOfSuite()).toBe(1);

		const reopened = await setAdmission({ open: true });
		expect(reopened.body).toMatchObject({ open: true, reason: null });
		expect(await admissionGauge()).toBe("1");
		const again = await post("/", labelled("Refused with a key."), { "idempotency-key": key });
		expect(again.status).toBe(202);
		expect((await waitForRun(dev.url, again.body.id!, ["complete", "errored"])).status).toBe("complete");
		expect((await readRun(dev.url, again.body.id!)).labels).toEqual({ suite });
		expect(await runsOfSuite()).toBe(2);
	});

	it("should refuse a malformed switch with a 400 and leave it as it was", async () => {
		for (const body of [
			{},
			{ open: "no" },
			{ open: false, reason: "" },
			{ open: false, retryAfterSeconds: 0 },
			{ open: true, extra: 1 },
		]) {
			const answer = await setAdmission(body);
			expect({ body, status: answer.status }).toEqual({ body, status: 400 });
		}
		expect(await (await fetch(`${dev.url}/admission`)).json()).toMatchObject({ open: true });
	});
});
