/**
 * A run's waterfall as a standalone SVG: one row per step, a bar per attempt, coloured by outcome, the
 * backoff between a step's attempts drawn as a dashed line, waits (plan approval) as hatched bars, and
 * a time axis. Pure: the route reads the registry and hands the attempts in.
 */

export type AttemptOutcome = "running" | "succeeded" | "failed";

export interface TimelineAttempt {
	step: string;
	attempt: number;
	startMs: number;
	/** null while it runs. */
	endMs: number | null;
	outcome: AttemptOutcome;
	errorCode?: string | null;
}

export interface TimelineWait {
	label: string;
	startMs: number;
	endMs: number | null;
}

export interface TimelineInput {
	runId: string;
	status: string;
	startMs: number;
	/** The right edge while the run runs; the last bar's end once it is over. */
	nowMs: number;
	attempts: TimelineAttempt[];
	waits: TimelineWait[];
}

const WIDTH = 960;
const LABEL = 230;
const ROW = 24;
const TOP = 44;
const RIGHT = 20;
const COLOURS: Record<AttemptOutcome | "retried" | "wait", string> = {
	succeeded: "#2e9d5b",
	failed: "#d64545",
	retried: "#e59a2f",
	running: "#3b7dd8",
	wait: "#9aa3ad",
};

export function timelineSvg(input: TimelineInput): string {
	const rows = rowsOf(input);
	const endMs = Math.max(input.nowMs, ...input.attempts.map((a) => a.endMs ?? input.nowMs), input.startMs + 1);
	const spanMs = endMs - input.startMs;
	const plot = WIDTH - LABEL - RIGHT;
	const x = (ms: number) => LABEL + ((ms - input.startMs) / spanMs) * plot;
	const height = TOP + rows.length * ROW + 36;
	const parts: string[] = [];
	const axisY = TOP + rows.length * ROW + 6;
	const step = tickStep(spanMs);
	for (let t = 0; t <= spanMs; t += step) {
		const tx = x(input.startMs + t).toFixed(1);
		parts.push(
			`<line x1="${tx}" y1="${TOP - 4}" x2="${tx}" y2="${axisY}" stroke="#e3e6ea"/>`,
			`<text x="${tx}" y="${axisY + 16}" text-anchor="middle" class="tick">${formatMs(t)}</text>`,
		);
	}
	rows.forEach((row, i) => {
		const y = TOP + i * ROW;
		parts.push(`<text x="${LABEL - 8}" y="${y + 16}" text-anchor="end" class="label">${escape(row.label)}</text>`);
		row.bars.forEach((bar, j) => {
			const x1 = x(bar.startMs);
			const x2 = Math.max(x(bar.endMs ?? input.nowMs), x1 + 2);
			const previous = row.bars[j - 1];
			if (previous?.endMs != null && bar.kind !== "wait") {
				parts.push(
					`<line x1="${x(previous.endMs).toFixed(1)}" y1="${y + 11}" x2="${x1.toFixed(1)}" y2="${y + 11}" stroke="${COLOURS.retried}" stroke-dasharray="3 3"/>`,
				);
			}
			const fill = bar.kind === "wait" ? "url(#wait)" : COLOURS[bar.colour];
			parts.push(
				`<rect x="${x1.toFixed(1)}" y="${y + 4}" width="${(x2 - x1).toFixed(1)}" height="${ROW - 8}" rx="3" fill="${fill}"><title>${escape(bar.title)}</title></rect>`,
			);
		});
	});
	const title = `${input.runId} · ${input.status} · ${formatMs(spanMs)}`;
	return [
		`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="${escape(`Timeline of ${title}`)}">`,
		`<defs><pattern id="wait" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#eef0f2"/><line x1="0" y1="0" x2="0" y2="6" stroke="${COLOURS.wait}" stroke-width="3"/></pattern>`,
		`<style>text{font:12px system-ui,sans-serif;fill:#1f2328}.tick{fill:#6a737d;font-size:11px}.title{font-weight:600;font-size:13px}</style></defs>`,
		`<rect width="100%" height="100%" fill="#fff"/>`,
		`<text x="12" y="22" class="title">${escape(title)}</text>`,
		legend(),
		...parts,
		`</svg>`,
	].join("\n");
}

interface Bar {
	kind: "attempt" | "wait";
	colour: AttemptOutcome | "retried";
	startMs: number;
	endMs: number | null;
	title: string;
}

/** Rows in the order their first bar starts; a failed attempt followed by another is "retried". */
function rowsOf(input: TimelineInput): { label: string; bars: Bar[] }[] {
	const rows = new Map<string, { label: string; first: number; bars: Bar[] }>();
	const byStep = new Map<string, TimelineAttempt[]>();
	for (const a of input.attempts) byStep.set(a.step, [...(byStep.get(a.step) ?? []), a]);
	for (const [step, attempts] of byStep) {
		const sorted = attempts.toSorted((a, b) => a.attempt - b.attempt);
		const bars = sorted.map((a, i): Bar => {
			const retried = a.outcome === "failed" && i < sorted.length - 1;
			const took = a.endMs === null ? "running" : formatMs(a.endMs - a.startMs);
			const error = a.errorCode ? `, ${a.errorCode}` : "";
			return {
				kind: "attempt",
				colour: retried ? "retried" : a.outcome,
				startMs: a.startMs,
				endMs: a.endMs,
				title: `${step} attempt ${a.attempt}: ${retried ? "failed, retried" : a.outcome}${error} (${took})`,
			};
		});
		rows.set(step, { label: step, first: sorted[0]!.startMs, bars });
	}
	for (const wait of input.waits) {
		const row = rows.get(wait.label) ?? { label: wait.label, first: wait.startMs, bars: [] };
		const took = wait.endMs === null ? "waiting" : formatMs(wait.endMs - wait.startMs);
		row.bars.push({
			kind: "wait",
			colour: "running",
			startMs: wait.startMs,
			endMs: wait.endMs,
			title: `${wait.label} (${took})`,
		});
		rows.set(wait.label, row);
	}
	return [...rows.values()].toSorted((a, b) => a.first - b.first);
}

function legend(): string {
	const items: [string, string][] = [
		["succeeded", COLOURS.succeeded],
		["failed", COLOURS.failed],
		["retried", COLOURS.retried],
		["running", COLOURS.running],
		["waiting", "url(#wait)"],
	];
	return items
		.map(([label, fill], i) => {
			const lx = WIDTH - 420 + i * 82;
			return `<rect x="${lx}" y="12" width="12" height="12" rx="2" fill="${fill}"/><text x="${lx + 16}" y="22" class="tick">${label}</text>`;
		})
		.join("");
}

/** A tick interval giving 4 to 10 ticks: 1, 2 or 5 times a power of ten, in ms. */
export function tickStep(spanMs: number): number {
	const raw = Math.max(spanMs, 1) / 8;
	const power = 10 ** Math.floor(Math.log10(raw));
	return [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
}

export function formatMs(ms: number): string {
	if (ms < 1000) return `${Math.round(ms)} ms`;
	if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
	return `${Math.floor(ms / 60_000)} m ${Math.round((ms % 60_000) / 1000)} s`;
}

function escape(text: string): string {
	return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
