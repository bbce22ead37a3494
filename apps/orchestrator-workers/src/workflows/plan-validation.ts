/**
 * Checks a plan the model wrote and clamps it to the run's limits. Pure: the plan step calls it, and
 * so do unit tests.
 */
import { planSchema, type Plan, type Subtask } from "@ow/schemas";

export interface PlanLimits {
	maxSubtasks: number;
	allowBrowser: boolean;
}

export type PlanCheck = { ok: true; plan: Plan; clampedFrom: number | null } | { ok: false; problems: string[] };

/** Validates `candidate` against the schema and the rules; lists every problem found. */
export function validatePlan(candidate: unknown, limits: PlanLimits): PlanCheck {
	const parsed = planSchema.safeParse(candidate);
	if (!parsed.success) {
		return { ok: false, problems: parsed.error.issues.map((i) => `${i.path.join(".") || "plan"}: ${i.message}`) };
	}
	const subtasks = parsed.data.subtasks;
	const problems: string[] = [];
	const ids = new Set<string>();
	for (const task of subtasks) {
		if (ids.has(task.id)) problems.push(`duplicate subtask id "${task.id}"`);
		ids.add(task.id);
	}
	for (const task of subtasks) {
		for (const dep of task.dependsOn) {
			if (dep === task.id) problems.push(`subtask "${task.id}" depends on itself`);
			else if (!ids.has(dep)) problems.push(`subtask "${task.id}" depends on unknown subtask "${dep}"`);
		}
		problems.push(...executorProblems(task, limits));
	}
	if (problems.length === 0) {
		const cycle = findCycle(subtasks);
		if (cycle) problems.push(`dependency cycle: ${cycle.join(" -> ")}`);
	}
	if (problems.length > 0) return { ok: false, problems };
	return clamp(parsed.data, limits.maxSubtasks);
}

function executorProblems(task: Subtask, limits: PlanLimits): string[] {
	if (task.executor === "llm") return [];
	if (!limits.allowBrowser) return [`subtask "${task.id}" uses the browser, which this run does not allow`];
	if (!task.url) return [`browser subtask "${task.id}" has no url`];
	if (!isHttpUrl(task.url)) return [`browser subtask "${task.id}" has url "${task.url}", which is not http(s)`];
	const badOrigins = (task.allowedOrigins ?? []).filter((o) => !isHttpUrl(o));
	return badOrigins.map((o) => `browser subtask "${task.id}" allows origin "${o}", which is not an http(s) origin`);
}

function isHttpUrl(value: string): boolean {
	try {
		const url = new URL(value);
		return url.protocol === "http:" || url.protocol === "https:";
	} catch (_error) {
		return false; // not a URL at all
	}
}

/** Returns one dependency cycle as a list of ids, or null. */
function findCycle(subtasks: Subtask[]): string[] | null {
	const deps = new Map(subtasks.map((t) => [t.id, t.dependsOn]));
	const state = new Map<string, "visiting" | "done">();
	const path: string[] = [];
	const visit = (id: string): string[] | null => {
		if (state.get(id) === "done") return null;
		if (state.get(id) === "visiting") return [...path.slice(path.indexOf(id)), id];
		state.set(id, "visiting");
		path.push(id);
		for (const dep of deps.get(id) ?? []) {
			const cycle = visit(dep);
			if (cycle) return cycle;
		}
		path.pop();
		state.set(id, "done");
		return null;
	};
	for (const task of subtasks) {
		const cycle = visit(task.id);
		if (cycle) return cycle;
	}
	return null;
}

/**
 * Keeps at most `max` subtasks: a prefix in wave order, so every kept subtask keeps all of its
 * dependencies (they sit in earlier waves). The plan's own order is kept.
 */
function clamp(plan: Plan, max: number): PlanCheck {
	if (plan.subtasks.length <= max) return { ok: true, plan, clampedFrom: null };
	const keptIds = new Set(
		dependencyWaves(plan.subtasks)
			.flat()
			.slice(0, max)
			.map((t) => t.id),
	);
	return {
		ok: true,
		plan: { subtasks: plan.subtasks.filter((t) => keptIds.has(t.id)) },
		clampedFrom: plan.subtasks.length,
	};
}

/**
 * Groups subtasks into waves: every subtask's dependencies are in earlier waves. Assumes a valid,
 * acyclic plan.
 */
export function dependencyWaves(subtasks: Subtask[]): Subtask[][] {
	const waves: Subtask[][] = [];
	const placed = new Set<string>();
	let remaining = subtasks;
	while (remaining.length > 0) {
		const wave = remaining.filter((t) => t.dependsOn.every((d) => placed.has(d)));
		if (wave.length === 0) throw new Error("dependencyWaves: the plan has a cycle");
		for (const t of wave) placed.add(t.id);
		waves.push(wave);
		remaining = remaining.filter((t) => !placed.has(t.id));
	}
	return waves;
}
