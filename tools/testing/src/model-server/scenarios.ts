/**
 * Scenarios: scripts registered over HTTP, so a test that cannot hold the server's JS object (a test
 * inside workerd, or a benchmark in another process) can still program it.
 *
 * A scenario applies to every request whose text contains its id (tests put the id in the prompt).
 * Its rules are tried in order; the first whose `match` text occurs in the request (and whose `seed`,
 * if it has one, is the request's) answers. A rule
 * answers its n-th call with `replies[n]`, repeating the last reply once they run out. Each scenario
 * counts its calls, its concurrency and each rule's calls, readable with `GET /__scenarios/:id`.
 *
 * A scenario may also inject transient faults: with `faults: {rate, seed}`, that share of its calls
 * fails with `faults.reply` (a 500 unless given), evenly spaced by call index with a phase the seed
 * picks. The choice depends only on the call's index, so a run sees the same number of faults
 * whatever order its concurrent calls arrive in. Faulted calls count in `faultsInjected` and skip
 * the rules.
 *
 * Reply strings may use placeholders, filled from the request:
 * - `{{user}}`: the user message;
 * - `{{header:NAME}}`: the request's header NAME (e.g. a provider that echoes your API key);
 * - `{{fenced}}`: every block between `<<<DATA…>>>` markers, joined by newlines (what a model
 *   "read"), which lets a scripted answer carry facts from pages or earlier results onward.
 */
import { DEFAULT_MALFORMED_CONTENT } from "./reply-writer.ts";
import { estimateTokens, promptTokens, textOfRole } from "./request.ts";
import type { ChatRequest, Reply, ScenarioDefinition, ScenarioFaults, ScenarioRule, ScenarioStats } from "./types.ts";

interface RuleState {
	rule: ScenarioRule;
	calls: number;
	inFlight: number;
	maxInFlight: number;
	lastUser: string | null;
	lastBody: unknown;
}

interface ScenarioState {
	definition: ScenarioDefinition;
	stats: Omit<ScenarioStats, "rules">;
	rules: RuleState[];
}

/** Checks a definition received over HTTP; returns a problem, or null when it is usable. */
export function scenarioProblem(value: unknown): string | null {
	const v = value as Partial<ScenarioDefinition> | null;
	if (!v || typeof v.id !== "string" || v.id.length < 4) return "a scenario needs an id of at least 4 characters";
	if (!Array.isArray(v.rules) || v.rules.length === 0) return "a scenario needs a non-empty rules array";
	if (v.faults !== undefined && !(typeof v.faults?.rate === "number" && v.faults.rate >= 0 && v.faults.rate <= 1))
		return "faults.rate must be a number from 0 to 1";
	for (const rule of v.rules) {
		if (typeof rule?.match !== "string") return "every rule needs a match string";
		if (rule.seed !== undefined && !Number.isInteger(rule.seed))
			return `rule "${rule.match}" has a seed that is not an integer`;
		if (!Array.isArray(rule.replies) || rule.replies.length === 0)
			return `rule "${rule.match}" needs at least one reply`;
	}
	return null;
}

/** The registered scenarios of one server. */
export function createScenarioBook() {
	const book = new Map<string, ScenarioState>();

	function find(request: ChatRequest): ScenarioState | undefined {
		const text = `${request.system}\n${request.user}`;
		for (const state of book.values()) if (text.includes(state.definition.id)) return state;
		return undefined;
	}

	return {
		define(definition: ScenarioDefinition): void {
			book.set(definition.id, {
				definition,
				stats: { id: definition.id, calls: 0, inFlight: 0, maxInFlight: 0, faultsInjected: 0, tokensServed: 0 },
				rules: definition.rules.map((rule) => ({
					rule,
					calls: 0,
					inFlight: 0,
					maxInFlight: 0,
					lastUser: null,
					lastBody: null,
				})),
			});
		},
		stats(id: string): ScenarioStats | undefined {
			const state = book.get(id);
			if (!state) return undefined;
			return {
				...state.stats,
				rules: state.rules.map(({ rule, calls, maxInFlight, lastUser, lastBody }) => ({
					match: rule.match,
					calls,
					maxInFlight,
					lastUser,
					lastBody,
				})),
			};
		},
		remove(id: string): boolean {
			return book.delete(id);
		},
		clear(): void {
			book.clear();
		},
		/**
		 * The reply for a request that belongs to a scenario, with `done` to call when the call ends;
		 * undefined when no scenario claims it.
		 */
		answer(request: ChatRequest): { reply: Reply; done: () => void } | undefined {
			const state = find(request);
			if (!state) return undefined;
			const faults = state.definition.faults;
			if (faults && isFaulted(faults, state.stats.calls)) {
				state.stats.calls += 1;
				state.stats.faultsInjected += 1;
				const reply = faults.reply ?? { kind: "error", status: 500, message: "injected transient fault" };
				return { reply: fill(reply, request), done: () => undefined };
			}
			const text = `${request.system}\n${request.user}`;
			const ruleState = state.rules.find(
				(r) => text.includes(r.rule.match) && (r.rule.seed === undefined || r.rule.seed === request.seed),
			);
			if (!ruleState) {
				const message = `scenario ${state.definition.id} has no rule matching this request`;
				return { reply: { kind: "error", status: 500, message }, done: () => undefined };
			}
			ruleState.lastUser = request.user;
			const { system: _system, user: _user, jsonSchema: _schema, schemaName: _name, ...body } = request;
			ruleState.lastBody = body;
			const replies = ruleState.rule.replies;
			const reply = fill(replies[Math.min(ruleState.calls, replies.length - 1)]!, request);
			state.stats.tokensServed += tokensOf(reply, request);
			for (const counter of [state.stats, ruleState]) {
				counter.calls += 1;
				counter.inFlight += 1;
				counter.maxInFlight = Math.max(counter.maxInFlight, counter.inFlight);
			}
			let finished = false;
			const done = () => {
				if (finished) return;
				finished = true;
				state.stats.inFlight -= 1;
				ruleState.inFlight -= 1;
			};
			return { reply, done };
		},
	};
}

export type ScenarioBook = ReturnType<typeof createScenarioBook>;

const FENCE = /<<<DATA(?:-\d+)?>>>\n([\s\S]*?)\n<<<DATA(?:-\d+)?>>>/g;

/**
 * Whether the call at `index` fails: exactly `rate` of every run of calls, spread evenly (every tenth
 * call at 0.1), with a phase picked by the seed. A random draw per call would let a short benchmark
 * see a share well off the nominal rate.
 */
function isFaulted(faults: ScenarioFaults, index: number): boolean {
	const phase = ((Math.imul(faults.seed ?? 1, 0x9e3779b1) >>> 0) / 2 ** 32) % 1;
	return Math.floor((index + 1) * faults.rate + phase) > Math.floor(index * faults.rate + phase);
}

/** The prompt and completion tokens a reply serves; the writer reports the same unless the reply overrides it. */
function tokensOf(reply: Reply, request: ChatRequest): number {
	if (reply.kind !== "json" && reply.kind !== "text" && reply.kind !== "malformed") return 0;
	const content =
		reply.kind === "json"
			? JSON.stringify(reply.value)
			: reply.kind === "text"
				? reply.text
				: (reply.content ?? DEFAULT_MALFORMED_CONTENT);
	const usage = reply.usage ?? { prompt_tokens: promptTokens(request), completion_tokens: estimateTokens(content) };
	return usage.prompt_tokens + usage.completion_tokens;
}

/** Replaces placeholders in every string of a reply. */
function fill(reply: Reply, request: ChatRequest): Reply {
	const user = textOfRole(request.messages, "user");
	const fenced = [...user.matchAll(FENCE)].map((m) => m[1]).join("\n");
	const replace = (value: unknown): unknown => {
		if (typeof value === "string")
			return value
				.replaceAll("{{user}}", user)
				.replaceAll("{{fenced}}", fenced)
				.replaceAll(/\{\{header:([\w-]+)\}\}/g, (_m, name: string) => request.headers[name.toLowerCase()] ?? "");
		if (Array.isArray(value)) return value.map(replace);
		if (value && typeof value === "object")
			return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replace(v)]));
		return value;
	};
	return replace(reply) as Reply;
}
