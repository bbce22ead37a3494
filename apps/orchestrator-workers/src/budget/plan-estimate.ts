/**
 * The plan's estimate (`estimate` in the status once planned): what planning spent plus what the
 * plan's calls would reserve at the budget gate, each at its most. The prompts of later calls do not
 * exist yet (they carry earlier answers and pages), so their inputs are bounded from the limits that
 * cut those texts: a dependency's answer is at most its output limit, a page at most
 * MAX_STEP_OUTPUT_CHARS. An upper estimate, so a budget that covers it should see the run through.
 */
import { ensembleOf, type EnsembleOptions, type Plan, type PlanEstimate, type Subtask, type Usage } from "@ow/schemas";
import { readPriceTable, type PriceTable } from "../metrics/cost";
import { CHARS_PER_TOKEN, MESSAGE_OVERHEAD_TOKENS } from "./input-estimate";
import { reservationCostUsd } from "./budget-gate";
import type { OrchestratorConfig } from "../config";
import type { ModelIds } from "../models";

/** Instructions of a prompt template, generously: the longest of ours is well under this. */
const TEMPLATE_CHARS = 6_000;

const tokensOf = (chars: number) => Math.ceil(chars / CHARS_PER_TOKEN) + MESSAGE_OVERHEAD_TOKENS;

interface Call {
	model: string;
	input: number;
	output: number;
}

export function planEstimate(
	/** `ensemble`: the run's (options.ensemble); a subtask's own from the plan overrides it. */
	input: { prompt: string; plan: Plan; spent: Usage; ensemble?: EnsembleOptions },
	config: OrchestratorConfig,
	models: Pick<ModelIds, "big" | "small">,
	prices: PriceTable | null,
): PlanEstimate {
	const base = input.prompt.length + TEMPLATE_CHARS;
	const out = config.maxOutputTokens;
	const page = config.maxStepOutputChars;
	const callsOf = (task: Subtask): Call[] => {
		const dependencies = task.dependsOn.length * out.subtask;
		if (task.executor === "browser" && task.agentic) {
			const decide = { model: models.small, input: tokensOf(base + page), output: out.agent };
			return Array.from({ length: config.agentMaxIterations }, () => decide);
		}
		const read = task.executor === "browser" ? page : 0;
		const answer = { model: models.small, input: tokensOf(base + read) + dependencies, output: out.subtask };
		const ensemble = ensembleOf({ ensemble: input.ensemble }, task);
		return ensemble
			? ensembleCalls(ensemble, answer, { model: models.big, base: tokensOf(base), out: out.subtask })
			: [answer];
	};
	const calls: Call[] = [
		...input.plan.subtasks.flatMap(callsOf),
		{
			model: models.big,
			input: tokensOf(base) + input.plan.subtasks.length * out.subtask,
			output: out.synthesise,
		},
	];
	const spent = input.spent;
	let tokens = (spent.inputTokens ?? 0) + (spent.outputTokens ?? 0);
	let cost: number | null = prices === null ? null : 0;
	for (const [model, counts] of Object.entries(spent.byModel)) {
		const price = prices?.[model];
		if (cost !== null && price)
			cost += reservationCostUsd(prices, model, counts.inputTokens ?? 0, counts.outputTokens ?? 0);
		else cost = null;
	}
	for (const call of calls) {
		tokens += call.input + call.output;
		if (cost !== null && prices?.[call.model]) cost += reservationCostUsd(prices, call.model, call.input, call.output);
		else cost = null;
	}
	return { tokens, costUsd: cost === null ? null : Math.round(cost * 1e8) / 1e8 };
}

/**
 * An ensemble subtask's calls at their most: a vote's samples and its grouping (big model); a debate's
 * every round (a revision also reads the other agents' answers), a grouping per round and the judge.
 */
function ensembleCalls(
	ensemble: EnsembleOptions,
	answer: Call,
	big: { model: string; base: number; out: number },
): Call[] {
	const combine = (answers: number): Call => ({
		model: big.model,
		input: big.base + answers * big.out,
		output: big.out,
	});
	if (ensemble.mode === "vote")
		return [...Array.from({ length: ensemble.samples }, () => answer), combine(ensemble.samples)];
	const { agents, maxRounds } = ensemble;
	const revision = { ...answer, input: answer.input + agents * big.out };
	return [
		...Array.from({ length: agents }, () => answer),
		...Array.from({ length: agents * (maxRounds - 1) }, () => revision),
		...Array.from({ length: maxRounds + 1 }, () => combine(agents)), // a grouping per round, then the judge
	];
}

/** The statement that stores the estimate of `plan`; joins the batch that records the plan. */
export function planEstimateStatement(
	env: Env,
	db: D1Database,
	run: {
		id: string;
		prompt: string;
		config: OrchestratorConfig;
		models: { ids: ModelIds };
		options: { ensemble?: EnsembleOptions };
	},
	plan: Plan,
	spent: Usage,
): D1PreparedStatement {
	const estimate = planEstimate(
		{ prompt: run.prompt, plan, spent, ensemble: run.options.ensemble },
		run.config,
		run.models.ids,
		readPriceTable(env),
	);
	return db.prepare("UPDATE runs SET estimate = ? WHERE id = ?").bind(JSON.stringify(estimate), run.id);
}
