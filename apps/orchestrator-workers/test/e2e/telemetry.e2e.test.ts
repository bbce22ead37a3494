/**
 * Traces end to end: a run against an OTLP receiver started here (protobuf, the default protocol).
 * Every step attempt's span and every model and browser call's span arrive in the run's one trace;
 * the GenAI usage on the model spans adds up to the run's usage; a retried subtask has two attempt
 * spans; and an endpoint that is down changes nothing for the run, only the export counters.
 */
import { browserSubtask, llmSubtask } from "@ow/schemas/testing";
import {
	readRun,
	startModelServer,
	startOtlpReceiver,
	startProductStack,
	startRun,
	startStaticSite,
	waitForRun,
	type ModelServer,
	type OtlpReceiver,
	type StaticSite,
	type WranglerDev,
} from "@ow/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let models: ModelServer;
let receiver: OtlpReceiver;
let site: StaticSite;
let dev: WranglerDev;

beforeAll(async () => {
	models = await startModelServer();
	receiver = await startOtlpReceiver();
	site = await startStaticSite({
		"/otters": "<!doctype html><title>Otters</title><p>Sea otters hold hands while they sleep.</p>",
	});
	dev = await startProductStack(models.baseURL, {
		STEP_RETRY_DELAY_MS: "100",
		OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
		OTEL_EXPORTER_OTLP_HEADERS: "x-collector-key=s3cret",
		OTEL_SERVICE_NAME: "orchestrator-e2e",
	});
});

afterAll(async () => {
	await dev?.stop();
	await site?.stop();
	await receiver?.close();
	await models?.close();
});

/** A run with a subtask that fails once (a 500) and a browser subtask; answers when it has ended. */
async function tracedRun(tag: string) {
	const id = `scn-${crypto.randomUUID()}`;
	models.defineScenario({
		id,
		rules: [
			{
				match: "You are the planner",
				replies: [
					{ kind: "json", value: { subtasks: [llmSubtask("a"), browserSubtask("page", `${site.url}/otters`)] } },
				],
			},
			{
				match: "Your subtask: Subtask a\n",
				replies: [
					{ kind: "error", status: 500, message: "scripted outage" },
					{ kind: "text", text: "alpha" },
				],
			},
			{ match: "Answer only from the page content", replies: [{ kind: "text", text: "{{fenced}}" }] },
			{
				match: "You combine the results",
				replies: [{ kind: "json", value: { answer: "{{fenced}}", references: [] } }],
			},
		],
	});
	const runId = await startRun(dev.url, { prompt: `Trace me (${tag}). [${id}]` });
	return waitForRun(dev.url, runId);
}

const spansOf = (runId: string) => receiver.spans.filter((s) => s.attributes["run.id"] === runId);

describe("OTLP traces", () => {
	it("should send every step attempt and call of a run as one trace, with GenAI usage that adds up", async () => {
		const run = await tracedRun("up");
		expect(run.status).toBe("complete");
		// The root span is sent when the run ends, after its last step: wait for it.
		await expect.poll(() => spansOf(run.id).some((s) => s.name === "run"), { timeout: 30_000 }).toBe(true);
		const spans = spansOf(run.id);

		expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
		expect(spans.every((s) => s.resource["service.name"] === "orchestrator-e2e")).toBe(true);
		expect(receiver.requests.every((r) => r.contentType === "application/x-protobuf")).toBe(true);
		expect(receiver.requests.every((r) => r.headers["x-collector-key"] === "s3cret")).toBe(true);
		// Every span hangs below the run's root span.
		const root = spans.find((s) => s.name === "run")!;
		const byId = new Map(spans.map((s) => [s.spanId, s]));
		for (const span of spans.filter((s) => s !== root)) {
			let parent = byId.get(span.parentSpanId);
			while (parent && parent !== root) parent = byId.get(parent.parentSpanId);
			expect(parent?.spanId).toBe(root.spanId);
		}
		const steps = spans.filter((s) => s.attributes["workflow.step.name"] !== undefined);
		expect(new Set(steps.map((s) => s.name))).toEqual(
			new Set(["plan", "subtask:a", "subtask:page:page", "subtask:page", "synthesise"]),
		);
		// The retried subtask: two attempt spans, the first failed with the error's type.
		const attempts = steps.filter((s) => s.name === "subtask:a").toSorted((x, y) => Number(x.startNs - y.startNs));
		expect(attempts.map((s) => [s.attributes["workflow.step.attempt"], s.status.code])).toEqual([
			[1, 2],
			[2, 1],
		]);
		expect(attempts[0]!.attributes["error.type"]).toBe("model-error");

		const chats = spans.filter((s) => s.attributes["gen_ai.operation.name"] === "chat");
		expect(chats).toHaveLength(5); // plan, a twice, the page's answer, synthesis
		for (const chat of chats) expect(chat.attributes["gen_ai.request.model"]).toMatch(/^(big|small)$/);
		const sum = (key: string) => chats.reduce((total, s) => total + Number(s.attributes[key] ?? 0), 0);
		expect(sum("gen_ai.usage.input_tokens")).toBe(run.usage.inputTokens);
		expect(sum("gen_ai.usage.output_tokens")).toBe(run.usage.outputTokens);
		expect(chats.filter((s) => s.status.code === 2).map((s) => s.attributes["error.type"])).toEqual(["model-error"]);

		const page = spans.find((s) => s.name === "browser.read_page")!;
		expect(page.attributes).toMatchObject({ "url.full": `${site.url}/otters`, "http.response.status_code": 200 });
		expect(Number(page.attributes["browser.load_ms"])).toBeGreaterThan(0);
	});

	it("should run as before, counting the failed exports, when the endpoint is down", async () => {
		await receiver.close();
		const before = await exportCounts();

		const run = await tracedRun("down");

		expect(run.status).toBe("complete");
		expect((await readRun(dev.url, run.id)).subtasks.map((s) => s.status)).toEqual(["succeeded", "succeeded"]);
		await expect.poll(async () => (await exportCounts()).failed, { timeout: 30_000 }).toBeGreaterThan(before.failed);
		expect((await exportCounts()).ok).toBe(before.ok);
	});
});

async function exportCounts(): Promise<{ ok: number; failed: number }> {
	const text = await (await fetch(`${dev.url}/metrics`)).text();
	const count = (outcome: string) =>
		Number(new RegExp(`^orchestrator_trace_exports_total\\{outcome="${outcome}"\\} (\\d+)`, "m").exec(text)?.[1]);
	return { ok: count("ok"), failed: count("failed") };
}
