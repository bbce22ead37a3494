/**
 * The Prometheus text exposition format 0.0.4: metric families and their rendering.
 *
 * - MetricFamily: a name, HELP text, TYPE and samples.
 * - Sample: one line, `name{labels} value`; a histogram family's samples carry their own suffixed
 *   names (`_bucket`, `_sum`, `_count`).
 *
 * @see https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format
 */

/** The Content-Type of the format. */
export const EXPOSITION_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** One sample line. `name` defaults to the family's name. */
export interface Sample {
	name?: string;
	labels?: Record<string, string>;
	value: number;
}

/** A metric family: rendered as its HELP and TYPE lines, then its samples. */
export interface MetricFamily {
	name: string;
	help: string;
	type: "counter" | "gauge" | "histogram";
	samples: Sample[];
}

/** Renders families in the text format; families keep their order, each with HELP and TYPE. */
export function renderExposition(families: MetricFamily[]): string {
	const lines: string[] = [];
	for (const family of families) {
		lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`);
		for (const sample of family.samples) {
			lines.push(`${sample.name ?? family.name}${renderLabels(sample.labels)} ${formatValue(sample.value)}`);
		}
	}
	return `${lines.join("\n")}\n`;
}

/** HELP text escapes backslash and newline. */
export const escapeHelp = (text: string) => text.replaceAll("\\", "\\\\").replaceAll("\n", "\\n");

/** Label values escape backslash, double quote and newline. */
export const escapeLabelValue = (text: string) =>
	text.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n");

function renderLabels(labels: Record<string, string> | undefined): string {
	const entries = Object.entries(labels ?? {});
	if (entries.length === 0) return "";
	return `{${entries.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(",")}}`;
}

/** Go-style float text: `+Inf`, `-Inf`, `NaN`, else the shortest round-trip decimal. */
export function formatValue(value: number): string {
	if (Number.isNaN(value)) return "NaN";
	if (value === Infinity) return "+Inf";
	if (value === -Infinity) return "-Inf";
	return String(value);
}

/**
 * The samples of one histogram series from cumulative bucket counts (`counts[i]` observations at
 * most `bounds[i]`), its sum and its count; the `+Inf` bucket is the count.
 */
export function histogramSamples(
	name: string,
	labels: Record<string, string>,
	bounds: readonly number[],
	counts: readonly number[],
	sum: number,
	count: number,
): Sample[] {
	return [
		...bounds.map((le, i) => ({
			name: `${name}_bucket`,
			labels: { ...labels, le: formatValue(le) },
			value: counts[i] ?? 0,
		})),
		{ name: `${name}_bucket`, labels: { ...labels, le: "+Inf" }, value: count },
		{ name: `${name}_sum`, labels, value: sum },
		{ name: `${name}_count`, labels, value: count },
	];
}
