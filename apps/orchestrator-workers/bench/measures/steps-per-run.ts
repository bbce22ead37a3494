/**
 * 6. Workflow steps per run, by kind, as the engine counts them: Workflows bills per step (sleeps and
 * waits included), so every step that only records has a price. Runs of 1, 8 and 32 llm subtasks, one
 * browser subtask (a page read, then the answer) and one agentic subtask (open, a decision and an
 * action per move, release), all against a local page in real Chromium.
 */
import { agenticSubtask, browserSubtask } from "@ow/schemas/testing";
import { startRun, startStaticSite, waitForRun, type ModelServer, type WranglerDev } from "@ow/testing";
import { stepsOf, type StepsByKind } from "../engine-steps.ts";
import type { Figure, Measurement } from "../figures.ts";
import { BENCH_WAIT, mustComplete, timeRun, waveScenario } from "../product.ts";

const AGENT = "You operate a web browser";

export async function measureStepsPerRun(dev: WranglerDev, models: ModelServer): Promise<Measurement> {
	const rows: [string, StepsByKind][] = [];
	for (const width of [1, 8, 32]) {
		const run = await timeRun(dev, models, waveScenario(models, width));
		rows.push([`${width} llm subtask${width === 1 ? "" : "s"}`, await stepsOf(dev, run.id)]);
	}
	const site = await startStaticSite({
		"/article": "<!doctype html><title>Article</title><p>The answer is 42.</p>",
		"/search": () =>
			`<!doctype html><title>Search</title><form action="/article"><input name="q"><button>Go</button></form>`,
	});
	try {
		rows.push(["1 browser subtask", await runOne(dev, models, () => [browserSubtask("page", `${site.url}/article`)])]);
		const moves = [
			{ kind: "json" as const, value: { type: "type", ref: "e1", text: "answer", url: null, reason: "search" } },
			{ kind: "json" as const, value: { type: "click", ref: "e2", text: null, url: null, reason: "go" } },
			{ kind: "json" as const, value: { type: "done", ref: null, text: "42", url: null, reason: "found" } },
		];
		rows.push([
			"1 agentic subtask, 3 moves",
			// The agent's prompt carries its goal, not the request: the scenario id goes in the goal too.
			await runOne(
				dev,
				models,
				(id) => [agenticSubtask("agent", `${site.url}/search`, `Find the answer [${id}]`)],
				moves,
			),
		]);
	} finally {
		await site.stop();
	}
	const figures: Figure[] = rows.map(([what, s]) => ({
		name: `Workflow steps per run, ${what}`,
		value: s.total,
		unit: "steps",
		detail: `model ${s.model}, browser ${s.browser}, record ${s.record}, wait ${s.wait}`,
	}));
	return { title: "steps per run", figures, raw: Object.fromEntries(rows) };
}

/** One run of the plan `subtasks(scenario id)` (answered "result"; an agent moves as `moves` says); its steps. */
async function runOne(
	dev: WranglerDev,
	models: ModelServer,
	subtasks: (id: string) => unknown[],
	moves: { kind: "json"; value: unknown }[] = [],
): Promise<StepsByKind> {
	const id = `steps-${crypto.randomUUID()}`;
	models.defineScenario({
		id,
		rules: [
			{ match: "You are the planner", replies: [{ kind: "json", value: { subtasks: subtasks(id) } }] },
			{ match: "You combine the results", replies: [{ kind: "json", value: { answer: "done", references: [] } }] },
			...(moves.length > 0 ? [{ match: AGENT, replies: moves }] : []),
			{ match: "", replies: [{ kind: "text", text: "result" }] },
		],
	});
	const runId = await startRun(dev.url, { prompt: `Steps of a run [${id}]` });
	mustComplete(await waitForRun(dev.url, runId, undefined, BENCH_WAIT));
	return stepsOf(dev, runId);
}
