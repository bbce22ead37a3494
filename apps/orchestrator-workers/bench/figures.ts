/** What every measurement reports: named figures with their targets, and the raw numbers behind them. */

/** One printed figure. `limit` makes it a target: `value <= limit` (or `>=` when `atLeast`). */
export interface Figure {
	name: string;
	value: number;
	unit: "×" | "ms" | "runs/s" | "runs" | "steps" | "statements" | "%";
	limit?: number;
	atLeast?: boolean;
	/** What the value was measured from, printed beside it. */
	detail: string;
}

/** A figure's verdict: null when it has no target. */
export function passes(figure: Figure): boolean | null {
	if (figure.limit === undefined) return null;
	return figure.atLeast ? figure.value >= figure.limit : figure.value <= figure.limit;
}

/** A measurement's figures and the samples they came from. */
export interface Measurement {
	title: string;
	figures: Figure[];
	raw: Record<string, unknown>;
}

/** The value at quantile `q` (0..1) of `values`, nearest rank. */
export function quantile(values: readonly number[], q: number): number {
	const sorted = values.toSorted((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}
