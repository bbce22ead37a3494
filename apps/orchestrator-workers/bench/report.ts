/**
 * The benchmark's outputs: a table on stdout, JSON and an SVG chart in bench/results/, and (after a
 * full run) the same table in the README between its bench markers, with the machine it ran on.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { REPO_ROOT } from "@ow/testing";
import { passes, type Figure, type Measurement } from "./figures.ts";

export const RESULTS_DIR = path.join(import.meta.dirname, "results");
const README = path.join(REPO_ROOT, "README.md");
const BEGIN = "<!-- bench:begin -->";
const END = "<!-- bench:end -->";

/** The machine, as one line: what a reader needs to weigh the figures. */
export function describeMachine(): string {
	const cpus = os.cpus();
	const wrangler = JSON.parse(readFileSync(path.join(REPO_ROOT, "node_modules/wrangler/package.json"), "utf8")).version;
	const memory = Math.round(os.totalmem() / 2 ** 30);
	return `${cpus.length} × ${cpus[0]?.model.trim() ?? "unknown CPU"}, ${memory} GiB, ${os.type()} ${os.release()}, Node ${process.version}, wrangler ${wrangler}`;
}

const verdict = (f: Figure) => ({ true: "pass", false: "MISS", null: "info" })[String(passes(f)) as "true"];
/**
 * A figure's measured value and target as printed: with a decimal more (two at most) where the usual
 * rounding would print a miss and its target alike.
 */
function shown(f: Figure): { measured: string; target: string } {
	for (let extra = 0; ; extra++) {
		const measured = format(f.value, f.unit, extra);
		if (f.limit === undefined) return { measured, target: "" };
		const limit = format(f.limit, f.unit, extra);
		if (measured !== limit || f.value === f.limit || extra === 2) {
			return { measured, target: `${f.atLeast ? "≥" : "≤"} ${limit}` };
		}
	}
}

function format(value: number, unit: Figure["unit"], extra = 0): string {
	if (unit === "×") return `${value.toFixed(2 + extra)}×`;
	if (unit === "ms") return `${value.toFixed(1 + extra)} ms`;
	if (unit === "runs/s") return `${value.toFixed(1 + extra)} runs/s`;
	if (unit === "%") return `${value.toFixed(1 + extra)} %`;
	return `${value} ${unit}`;
}

/** The table as plain text, one figure per line. */
export function textTable(measurements: Measurement[]): string {
	const rows = measurements.flatMap((m) =>
		m.figures.map((f) => {
			const { measured, target } = shown(f);
			return [verdict(f), f.name, measured, target, f.detail];
		}),
	);
	const widths = [4, ...[1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i]!.length)))];
	return rows.map((r) => r.map((cell, i) => (i < 4 ? cell.padEnd(widths[i]!) : cell)).join("  ")).join("\n");
}

/** The table as Markdown, for the README. */
export function markdownTable(measurements: Measurement[]): string {
	const lines = ["| figure | measured | target | | how |", "| --- | --- | --- | --- | --- |"];
	for (const f of measurements.flatMap((m) => m.figures)) {
		const { measured, target } = shown(f);
		lines.push(`| ${f.name} | ${measured} | ${target || "—"} | ${verdict(f)} | ${f.detail} |`);
	}
	return lines.join("\n");
}

const escape = (s: string) => s.replaceAll("&", "&amp;").replaceAll("<", "&lt;");

/**
 * A bar per figure that has a target, as a share of that target: the line at 1 is the target, a bar
 * past it a miss. Figures whose target is 0 (counts) show as a pass or a miss mark instead.
 */
export function svgChart(measurements: Measurement[], title: string): string {
	const figures = measurements.flatMap((m) => m.figures).filter((f) => f.limit !== undefined);
	const rowHeight = 28;
	const left = 330;
	const scale = 260; // pixels for "exactly the target"
	const width = left + scale * 2 + 240; // room for the label of a bar cut at twice the target
	const height = 50 + figures.length * rowHeight + 20;
	const rows = figures.map((f, i) => {
		const y = 40 + i * rowHeight;
		const share = f.limit === 0 ? (f.value === 0 ? 0 : 2) : f.value / f.limit!;
		const barWidth = Math.max(2, Math.min(2, share) * scale);
		const colour = passes(f) ? "#2f9e44" : "#e03131";
		const { measured, target } = shown(f);
		return [
			`<text x="${left - 10}" y="${y + 17}" text-anchor="end">${escape(f.name)}</text>`,
			`<rect x="${left}" y="${y + 4}" width="${barWidth}" height="${rowHeight - 10}" fill="${colour}"/>`,
			`<text x="${left + barWidth + 6}" y="${y + 17}">${escape(measured)} (${escape(target)})</text>`,
		].join("");
	});
	return [
		`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="13">`,
		`<rect width="100%" height="100%" fill="#fff"/>`,
		`<text x="10" y="22" font-weight="bold">${escape(title)}</text>`,
		`<line x1="${left + scale}" y1="34" x2="${left + scale}" y2="${height - 10}" stroke="#555" stroke-dasharray="4 3"/>`,
		`<text x="${left + scale + 4}" y="${height - 12}" fill="#555">target</text>`,
		...rows,
		"</svg>",
	].join("\n");
}

/** Writes results/<name>.json and .svg; after a full run also the README's table. */
export function writeResults(measurements: Measurement[], { quick }: { quick: boolean }): string[] {
	mkdirSync(RESULTS_DIR, { recursive: true });
	const name = quick ? "latest-quick" : "latest";
	const machine = describeMachine();
	const date = new Date().toISOString();
	const commit = gitCommit();
	const json = path.join(RESULTS_DIR, `${name}.json`);
	const svg = path.join(RESULTS_DIR, `${name}.svg`);
	writeFileSync(json, `${JSON.stringify({ date, commit, quick, machine, measurements }, null, 2)}\n`);
	writeFileSync(
		svg,
		svgChart(measurements, `npm run bench${quick ? " -- --quick" : ""} · ${date.slice(0, 10)} · ${machine}`),
	);
	const written = [json, svg];
	if (!quick) {
		const block = [
			BEGIN,
			`Measured ${date.slice(0, 10)} at \`${commit}\` on ${machine}.`,
			"",
			markdownTable(measurements),
			"",
			`![benchmark chart](apps/orchestrator-workers/bench/results/latest.svg)`,
			END,
		].join("\n");
		const readme = readFileSync(README, "utf8");
		const start = readme.indexOf(BEGIN);
		const end = readme.indexOf(END);
		if (start === -1 || end === -1) throw new Error(`README.md has no ${BEGIN} … ${END} block to update`);
		writeFileSync(README, readme.slice(0, start) + block + readme.slice(end + END.length));
		written.push(README);
	}
	// npm test checks the formatting of what is committed: leave every file as the formatter would.
	execFileSync(path.join(REPO_ROOT, "node_modules/.bin/oxfmt"), [json, ...written.slice(2)], { cwd: REPO_ROOT });
	return written;
}

function gitCommit(): string {
	try {
		return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: REPO_ROOT, encoding: "utf8" }).trim();
	} catch (_error) {
		return "unknown";
	}
}
