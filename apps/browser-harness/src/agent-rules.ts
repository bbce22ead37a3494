/**
 * The agent's guardrails that need no browser: whether an action the model picked may be performed
 * on the page it last observed, and which sites the agent may go to. The page-side checks (the
 * element still there, still not a password field, a click that navigates elsewhere, downloads)
 * happen again when the action is performed (`agent-page.ts`).
 */
import { AGENT_LIMITS, agentActionSchema, type AgentAction, type AgentElement } from "@ow/schemas";
import { z } from "zod";
import { truncateText } from "./page-content";
import { BrowserHarnessError } from "./errors";
import { checkUrl, type UrlPolicy } from "./url-safety";

/** Element references the harness hands out: `e1`, `e2`, … (also keeps them safe inside a CSS selector). */
export const REF_PATTERN = /^e\d{1,6}$/;
/** Input types `type` can enter text into. */
export const TEXT_INPUT_TYPES: ReadonlySet<string> = new Set(["text", "email", "search", "url", "tel", "number"]);
/** Longest reason kept on a recorded step. */
const MAX_REASON_CHARS = 300;

/** What an action is checked against. */
export interface ActionContext {
	/** The elements of the observation the model answered. */
	elements: readonly AgentElement[];
	/** The page's URL at that observation (relative URLs resolve against it). */
	pageUrl: string;
	/** Origins the agent may navigate to. */
	origins: ReadonlySet<string>;
	policy: UrlPolicy;
}

/**
 * The verdict on what the model answered:
 * - `ok`: perform `action` (normalised: reason and answer text cut), `target` for navigate;
 * - `refused`: a well-formed action that breaks a rule: recorded as a refused step;
 * - `unusable`: no action at all (null, or not matching the schema): nothing to record.
 */
export type ActionVerdict =
	| { verdict: "ok"; action: AgentAction; target: URL | null }
	| { verdict: "refused"; action: AgentAction; reason: string }
	| { verdict: "unusable"; reason: string };

/** Checks what the model answered against the rules and the last observation. Never throws. */
export function checkAction(raw: unknown, context: ActionContext): ActionVerdict {
	if (raw === null || raw === undefined) {
		return { verdict: "unusable", reason: "your answer was not a valid action; answer with exactly one action" };
	}
	const parsed = agentActionSchema.safeParse(raw);
	if (!parsed.success) {
		const issues = z.prettifyError(parsed.error).replace(/\s+/g, " ").slice(0, 300);
		return { verdict: "unusable", reason: `your answer was not a valid action (${issues})` };
	}
	const action = normalise(parsed.data);
	const refuse = (reason: string): ActionVerdict => ({ verdict: "refused", action, reason });
	const element = (): AgentElement | string => {
		if (action.ref === null) return `${action.type} needs ref, the reference of an element from the list`;
		const found = REF_PATTERN.test(action.ref) ? context.elements.find((e) => e.ref === action.ref) : undefined;
		return found ?? `${action.ref.slice(0, 20)} is not in the current element list; use a reference from the list`;
	};
	switch (action.type) {
		case "click": {
			const target = element();
			if (typeof target === "string") return refuse(target);
			if (target.tag === "input" && target.inputType === "file") return refuse("file uploads are not supported");
			return { verdict: "ok", action, target: null };
		}
		case "type": {
			const target = element();
			if (typeof target === "string") return refuse(target);
			const why = typingRefusal(target, action.text);
			return why ? refuse(why) : { verdict: "ok", action, target: null };
		}
		case "select": {
			const target = element();
			if (typeof target === "string") return refuse(target);
			if (target.tag !== "select") return refuse(`${target.ref} is not a drop-down (select); click it instead`);
			if (action.text === null) return refuse("select needs text, the label or value of the option to choose");
			return { verdict: "ok", action, target: null };
		}
		case "navigate": {
			if (action.url === null) return refuse("navigate needs url");
			const target = URL.parse(action.url, context.pageUrl);
			if (!target) return refuse(`${action.url.slice(0, 200)} is not a URL`);
			const why = navigationRefusal(target, context.origins, context.policy);
			return why ? refuse(why) : { verdict: "ok", action, target };
		}
		case "scroll": {
			if (action.ref === null) return { verdict: "ok", action, target: null };
			const target = element();
			return typeof target === "string" ? refuse(target) : { verdict: "ok", action, target: null };
		}
		case "extract":
			if (!action.text?.trim()) return refuse("extract needs text, the information copied from the page");
			return { verdict: "ok", action, target: null };
		case "done":
			return { verdict: "ok", action, target: null };
	}
}

/** Why `text` may not be typed into `element`, or null. */
function typingRefusal(element: AgentElement, text: string | null): string | null {
	if (text === null) return "type needs text (an empty string clears the field)";
	if (text.length > AGENT_LIMITS.maxTypedChars) {
		return `text is ${text.length} characters; at most ${AGENT_LIMITS.maxTypedChars} may be typed`;
	}
	if (element.inputType === "password") {
		return `${element.ref} is a password field; typing into password fields is not allowed`;
	}
	if (element.tag === "input") {
		return TEXT_INPUT_TYPES.has(element.inputType ?? "text")
			? null
			: `${element.ref} is an input of type ${element.inputType}, not a text field; click or select instead`;
	}
	if (element.tag === "textarea" || element.role === "textbox" || element.role === "searchbox") return null;
	return `${element.ref} (${element.role}) is not a text field`;
}

/**
 * Why the agent may not go to `url`, or null: only http(s), only addresses the URL policy allows,
 * only the allowed origins. Used for `navigate` (before any request) and for every main-frame
 * navigation the page itself starts.
 */
export function navigationRefusal(url: URL, origins: ReadonlySet<string>, policy: UrlPolicy): string | null {
	const verdict = checkUrl(url.href, policy);
	if (!verdict.ok) return `URL refused (${verdict.reason}): ${url.href.slice(0, 200)}`;
	if (origins.has(url.origin)) return null;
	return `${url.origin} is another site; only ${[...origins].join(", ")} may be visited`;
}

/**
 * The origins an agentic browse may visit: the start URL's plus the request's `allowedOrigins`
 * (each an http(s) URL or origin). Throws `invalid-request` for one that is not.
 */
export function allowedOriginsOf(start: URL, allowed: readonly string[]): Set<string> {
	const origins = new Set([start.origin]);
	for (const entry of allowed) {
		const url = URL.parse(entry);
		if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
			throw new BrowserHarnessError(
				"invalid-request",
				`allowedOrigins: ${JSON.stringify(entry.slice(0, 100))} is not an http(s) origin such as https://example.com`,
			);
		}
		origins.add(url.origin);
	}
	return origins;
}

/** Cuts what the model wrote to what a step keeps: a short reason, an answer within bounds. */
function normalise(action: AgentAction): AgentAction {
	const reason =
		action.reason.length > MAX_REASON_CHARS ? `${action.reason.slice(0, MAX_REASON_CHARS)}…` : action.reason;
	const answer = action.type === "extract" || action.type === "done";
	const text =
		answer && action.text !== null ? truncateText(action.text, AGENT_LIMITS.maxAnswerChars).text : action.text;
	return { ...action, reason, text };
}
