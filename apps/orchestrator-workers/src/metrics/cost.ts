/**
 * Estimated cost of a run's model usage, from a price table in the optional variable `MODEL_PRICES`:
 * `{"<model id>": {"inputPerMTok": 0.27, "outputPerMTok": 0.85}}`, in USD per million tokens.
 *
 * Unknown stays unknown: a model whose token counts the provider did not report, or that has no
 * price, costs `null`, never 0, and then so does the total.
 */
import type { Usage } from "@ow/schemas";
import { z } from "zod";
import { OrchestratorError } from "../errors";
import { workerVar } from "../worker-vars";

/** One model's prices in USD per million tokens. */
export const modelPriceSchema = z
	.object({ inputPerMTok: z.number().nonnegative(), outputPerMTok: z.number().nonnegative() })
	.strict();
export type ModelPrice = z.infer<typeof modelPriceSchema>;

/** `MODEL_PRICES`: prices by model id, the same ids as `usage.byModel`. */
export const priceTableSchema = z.record(z.string().min(1), modelPriceSchema);
export type PriceTable = z.infer<typeof priceTableSchema>;

/** An estimate in USD: per model, and in total; `null` where a count or a price is unknown. */
export interface CostEstimate {
	currency: "USD";
	total: number | null;
	byModel: Record<string, number | null>;
}

/**
 * Reads `MODEL_PRICES`: null when unset, else the checked table. A JSON string (a secret or `--var`)
 * or a JSON object (a `vars` entry in wrangler.jsonc) are both accepted; anything else is a
 * `config-invalid` error that says what is wrong.
 */
export function readPriceTable(env: object): PriceTable | null {
	const raw = workerVar(env, "MODEL_PRICES");
	if (raw === undefined || raw === null || raw === "") return null;
	let value: unknown = raw;
	if (typeof raw === "string") {
		try {
			value = JSON.parse(raw);
		} catch (error) {
			throw new OrchestratorError(
				"config-invalid",
				`MODEL_PRICES is not valid JSON (${error instanceof Error ? error.message : String(error)}); expected {"<model>": {"inputPerMTok": number, "outputPerMTok": number}}.`,
				{ cause: error },
			);
		}
	}
	const parsed = priceTableSchema.safeParse(value);
	if (!parsed.success) {
		throw new OrchestratorError(
			"config-invalid",
			`MODEL_PRICES must map model ids to {"inputPerMTok": number, "outputPerMTok": number}: ${z.prettifyError(parsed.error)}`,
		);
	}
	return parsed.data;
}

/**
 * The cost of `usage` at `priceTable`'s prices; null when no price table is configured. Call it with
 * `readPriceTable(env)` where a run's status is built.
 */
export function estimateCost(usage: Usage, priceTable: PriceTable | null): CostEstimate | null {
	if (priceTable === null) return null;
	const byModel: Record<string, number | null> = {};
	for (const [model, counts] of Object.entries(usage.byModel)) {
		const price = priceTable[model];
		byModel[model] =
			price === undefined || counts.inputTokens === null || counts.outputTokens === null
				? null
				: usd((counts.inputTokens * price.inputPerMTok + counts.outputTokens * price.outputPerMTok) / 1_000_000);
	}
	const costs = Object.values(byModel);
	const total = costs.some((c) => c === null) ? null : usd(costs.reduce<number>((sum, c) => sum + (c ?? 0), 0));
	return { currency: "USD", total, byModel };
}

// Rounded to a millionth of a cent: far below any price, and free of float noise like 0.30000000000000004.
const usd = (amount: number) => Math.round(amount * 1e8) / 1e8;
