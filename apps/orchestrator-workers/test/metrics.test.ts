import { env, exports } from "cloudflare:workers";
import { EMPTY_USAGE, type Usage } from "@ow/schemas";
import { browserSubtask, llmSubtask } from "@ow/schemas/testing";
// @ts-expect-error The package ships no types; `Family` below is the shape its README documents.
import parseUntyped from "parse-prometheus-text-format";
import { describe, expect, it } from "vitest";
import { estimateCost, readPriceTable } from "../src/metrics/cost";
import { escapeLabelValue } from "../src/metrics/exposition";
import { poolFamilies } from "../src/metrics/pool-metrics";
import { STEP_DURATION_BUCKETS } from "../src/registry/run-counters";
import { insertRuns } from "../src/registry/run-admission";
import { recordPlan, recordRunFinished, recordSubtaskOutcome } from "../src/registry/run-registry";
import { newRunId } from "../src/runs/run-id";
import { attemptUsageStatements } from "../src/registry/usage-ledger";
import { TEST_MODELS, testOptions } from "./registry-fixtures";
import { storeOf } from "./read-events";

interface Family {
	name: string;
	help: string;
	type: "COUNTER" | "GAUGE" | "HISTOGRAM" | "SUMMARY" | "UNTYPED";
	metrics: {
		value?: string;
		labels?: Record<string, string>;
		buckets?: Record<string, string>;
		count?: string;
		sum?: string;
	}[];
}
const parse = parseUntyped as (text: string) => Family[];

async function scrape(): Promise<string> {
	const res = await exports.default.fetch("http://orchestrator.test/metrics");
	expect(res.status).toBe(200);
	expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
	return res.text();
}

/** The value of the sample of `name` with exactly `labels`, 0 when there is none. */
function value(text: string, name: string, labels: Record<string, string> = {}): number {
	const family = parse(text).find((f) => f.name === name);
	const sample = family?.metrics.find((m) => JSON.stringify(m.labels ?? {}) === JSON.stringify(labels));
	return Number(sample?.value ?? 0);
}

/**
 * One series of the step-duration histogram. The parser folds a histogram's series into one unless
 * they have no labels but `le`, so the series' lines are cut out and parsed alone.
 */
function histogram(text: string, step: string) {
	const name = "orchestrator_step_duration_seconds";
	const lines = text
		.split("\n")
		.filter((l) => l.startsWith(name) && l.includes(`step="${step}"`))
		.map((l) => l.replace(`{step="${step}"}`, "").replace(`step="${step}",`, ""));
	const [series] = parse(`# TYPE ${name} histogram\n${lines.join("\n")}\n`)[0]!.metrics;
	return { buckets: series!.buckets!, count: Number(series!.count), sum: Number(series!.sum) };
}

const delta = (before: string, after: string, name: string, labels?: Record<string, string>) =>
	value(after, name, labels) - value(before, name, labels);

const OPTIONS = testOptions();
const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms).toISOString();

/** Registers a run as the Workflow would; finished with `usage` when given. */
async function seedRun(usage?: Usage, model = "metrics-big") {
	const id = newRunId();
	await insertRuns(env.DB, [
		{ id, prompt: "p", options: OPTIONS, promptVersion: "v", models: TEST_MODELS, createdAt: at(0) },
	]);
	const store = storeOf(id);
	await recordPlan(
		store,
		id,
		{ subtasks: [llmSubtask("a"), browserSubtask("b", "https://example.com")] },
		{ clampedFrom: null, repaired: false },
		at(1),
	);
	await recordSubtaskOutcome(store, id, "a", {
		status: "succeeded",
		output: "A",
		truncated: false,
		usage: EMPTY_USAGE,
		attempts: 1,
		startedAt: at(1_000),
		finishedAt: at(2_500),
		source: null,
	});
	await recordSubtaskOutcome(store, id, "b", {
		status: "failed",
		error: { code: "browser-failed", message: "down" },
		attempts: 3,
		finishedAt: at(40_000),
	});
	if (usage) {
		const spent = { ...usage, byModel: { [model]: usage.byModel.x! } };
		await recordRunFinished(
			store,
			id,
			{
				status: "complete",
				result: { answer: "A", references: [] },
				timings: { planMs: 300, executeMs: 1_500, synthesiseMs: 45_000 },
			},
			at(50_000),
			attemptUsageStatements(
				store,
				id,
				{ step: "synthesise", attempt: 1, outcome: "succeeded", usage: spent, unknownCalls: 0 },
				at(50_000),
			),
		);
	}
	return id;
}

const usageOf = (inputTokens: number | null, outputTokens: number | null, calls: number): Usage => ({
	inputTokens,
	outputTokens,
	calls,
	byModel: { x: { inputTokens, outputTokens, calls } },
});

describe("GET /metrics", () => {
	it("should give every family HELP and TYPE lines", async () => {
		const text = await scrape();
		const families = parse(text);
		expect(families.map((f) => f.name)).toEqual(
			expect.arrayContaining([
				"orchestrator_runs",
				"orchestrator_runs_created_total",
				"orchestrator_subtasks_total",
				"orchestrator_step_duration_seconds",
				"orchestrator_model_calls_total",
				"orchestrator_model_tokens_total",
				"orchestrator_model_tokens_unknown_total",
				"orchestrator_browser_pool_up",
			]),
		);
		for (const family of families) {
			expect({ name: family.name, hasHelp: family.help !== "", typed: family.type !== "UNTYPED" }).toEqual({
				name: family.name,
				hasHelp: true,
				typed: true,
			});
		}
	});

	it("should count runs by status and runs created", async () => {
		const before = await scrape();
		await seedRun();
		await seedRun(usageOf(10, 5, 1));
		const after = await scrape();
		expect(delta(before, after, "orchestrator_runs", { status: "queued" })).toBe(1);
		expect(delta(before, after, "orchestrator_runs", { status: "complete" })).toBe(1);
		expect(delta(before, after, "orchestrator_runs_created_total")).toBe(2);
		// Every status is reported, 0 or not, so rates and alerts have a series to work on.
		expect(parse(after).find((f) => f.name === "orchestrator_runs")?.metrics).toHaveLength(8);
	});

	it("should count subtasks by executor and outcome", async () => {
		const before = await scrape();
		await seedRun();
		const after = await scrape();
		const subtasks = (executor: string, outcome: string) =>
			delta(before, after, "orchestrator_subtasks_total", { executor, outcome });
		expect(subtasks("llm", "succeeded")).toBe(1);
		expect(subtasks("browser", "failed")).toBe(1);
		expect(subtasks("llm", "failed")).toBe(0);
	});

	it("should put durations into cumulative histograms that end in +Inf = _count", async () => {
		const before = await scrape();
		await seedRun(usageOf(1, 1, 1));
		const after = await scrape();
		for (const step of ["plan", "execute", "synthesise", "subtask"]) {
			const { buckets, count } = histogram(after, step);
			const bounds = [...STEP_DURATION_BUCKETS.map(String), "+Inf"];
			expect(Object.keys(buckets).toSorted()).toEqual(bounds.toSorted());
			const counts = bounds.map((le) => Number(buckets[le]));
			// Cumulative: never decreasing, and the +Inf bucket is the count.
			expect({ step, counts }).toEqual({ step, counts: counts.toSorted((a, b) => a - b) });
			expect({ step, inf: counts.at(-1) }).toEqual({ step, inf: count });
		}
		const moved = (step: string, le: string) =>
			Number(histogram(after, step).buckets[le]) - Number(histogram(before, step).buckets[le]);
		expect([moved("plan", "0.1"), moved("plan", "0.5")]).toEqual([0, 1]);
		expect([moved("execute", "1"), moved("execute", "2")]).toEqual([0, 1]);
		expect([moved("synthesise", "30"), moved("synthesise", "60")]).toEqual([0, 1]);
		// Subtask a ran 1.5 s; b failed before it ever started, so it has no duration.
		expect([moved("subtask", "1"), moved("subtask", "2"), moved("subtask", "+Inf")]).toEqual([0, 1, 1]);
		expect(histogram(after, "plan").sum - histogram(before, "plan").sum).toBeCloseTo(0.3);
	});

	it("should sum model calls and tokens, and count unknown token counts apart", async () => {
		const before = await scrape();
		await seedRun(usageOf(100, 20, 2), "metrics-known");
		await seedRun(usageOf(null, 7, 1), "metrics-known");
		const after = await scrape();
		const known = { model: "metrics-known" };
		expect(delta(before, after, "orchestrator_model_calls_total", known)).toBe(3);
		expect(delta(before, after, "orchestrator_model_tokens_total", { ...known, kind: "input" })).toBe(100);
		expect(delta(before, after, "orchestrator_model_tokens_total", { ...known, kind: "output" })).toBe(27);
		expect(delta(before, after, "orchestrator_model_tokens_unknown_total", known)).toBe(1);
	});

	it("should escape label values", async () => {
		const model = 'we"ird\\model\nid';
		await seedRun(usageOf(1, 2, 1), model);
		const text = await scrape();
		expect(text).toContain(`model="${escapeLabelValue(model)}"`);
		expect(value(text, "orchestrator_model_calls_total", { model })).toBeGreaterThanOrEqual(1);
	});

	it("should report the browser pool down without failing the scrape", async () => {
		// The test pool's harness binding answers like an unreachable harness.
		const text = await scrape();
		expect(value(text, "orchestrator_browser_pool_up")).toBe(0);
		expect(text).not.toContain("orchestrator_browser_pool_sessions");
	});

	it("should answer 405 to other methods", async () => {
		const res = await exports.default.fetch("http://orchestrator.test/metrics", { method: "POST" });
		expect(res.status).toBe(405);
		expect(res.headers.get("allow")).toBe("GET");
	});
});

/** The test env with a fake harness whose poolStats is `poolStats`. */
const withHarness = (poolStats: () => Promise<unknown>) =>
	({ ...env, BROWSER_HARNESS: { poolStats } }) as unknown as Env;

describe("poolFamilies", () => {
	const stats = {
		size: 4,
		available: 1,
		busy: 2,
		launching: 1,
		unhealthy: 0,
		queued: 3,
		launched: 9,
		reused: 20,
		replaced: 2,
	};

	it("should report the pool's gauges and counters", async () => {
		const families = await poolFamilies(withHarness(async () => stats));
		const byName = Object.fromEntries(families.map((f) => [f.name, f.samples]));
		expect(byName.orchestrator_browser_pool_up).toEqual([{ value: 1 }]);
		expect(byName.orchestrator_browser_pool_sessions).toContainEqual({ labels: { state: "queued" }, value: 3 });
		expect(byName.orchestrator_browser_pool_sessions).toContainEqual({ labels: { state: "busy" }, value: 2 });
		expect(byName.orchestrator_browser_pool_launched_total).toEqual([{ value: 9 }]);
		expect(byName.orchestrator_browser_pool_reused_total).toEqual([{ value: 20 }]);
		expect(byName.orchestrator_browser_pool_replaced_total).toEqual([{ value: 2 }]);
	});

	it("should report the pool down when the harness hangs or answers nonsense", async () => {
		const hung = await poolFamilies(
			withHarness(() => new Promise(() => {})),
			20,
		);
		expect(hung.map((f) => [f.name, f.samples])).toEqual([["orchestrator_browser_pool_up", [{ value: 0 }]]]);
		const odd = await poolFamilies(withHarness(async () => ({ size: "big" })));
		expect(odd).toHaveLength(1);
	});
});

describe("estimateCost", () => {
	const prices = { big: { inputPerMTok: 1, outputPerMTok: 3 }, small: { inputPerMTok: 0.1, outputPerMTok: 0.2 } };
	const twoModels: Usage = {
		inputTokens: 2_000_000,
		outputTokens: 1_100_000,
		calls: 3,
		byModel: {
			big: { inputTokens: 1_000_000, outputTokens: 100_000, calls: 2 },
			small: { inputTokens: 1_000_000, outputTokens: 1_000_000, calls: 1 },
		},
	};

	it("should price each model and the total in USD", () => {
		expect(estimateCost(twoModels, prices)).toEqual({ currency: "USD", total: 1.6, byModel: { big: 1.3, small: 0.3 } });
	});

	it("should make a model's cost and the total unknown when a count is unknown", () => {
		const usage = {
			...twoModels,
			byModel: { ...twoModels.byModel, small: { inputTokens: null, outputTokens: 5, calls: 1 } },
		};
		expect(estimateCost(usage, prices)).toEqual({ currency: "USD", total: null, byModel: { big: 1.3, small: null } });
	});

	it("should make the cost of a model without a price unknown, not zero", () => {
		expect(estimateCost(twoModels, { big: prices.big })?.byModel.small).toBeNull();
	});

	it("should cost nothing for no calls, and be null without a price table", () => {
		expect(estimateCost(EMPTY_USAGE, prices)).toEqual({ currency: "USD", total: 0, byModel: {} });
		expect(estimateCost(twoModels, null)).toBeNull();
	});
});

describe("readPriceTable", () => {
	it("should read MODEL_PRICES as JSON text or as an object", () => {
		const table = { big: { inputPerMTok: 1, outputPerMTok: 2 } };
		expect(readPriceTable({ MODEL_PRICES: JSON.stringify(table) })).toEqual(table);
		expect(readPriceTable({ MODEL_PRICES: table })).toEqual(table);
		expect(readPriceTable({})).toBeNull();
	});

	it("should refuse invalid JSON with a config error that says so", () => {
		expect(() => readPriceTable({ MODEL_PRICES: "{big: 1}" })).toThrow(/MODEL_PRICES is not valid JSON/);
		expect(() => readPriceTable({ MODEL_PRICES: "{big: 1}" })).toThrow(
			expect.objectContaining({ code: "config-invalid" }),
		);
	});

	it("should refuse a table of the wrong shape", () => {
		expect(() => readPriceTable({ MODEL_PRICES: '{"big": {"inputPerMTok": -1, "outputPerMTok": 2}}' })).toThrow(
			/MODEL_PRICES must map model ids/,
		);
		expect(() => readPriceTable({ MODEL_PRICES: '{"big": {"input": 1}}' })).toThrow(/MODEL_PRICES/);
	});
});
