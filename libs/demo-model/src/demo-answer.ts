/**
 * Picks the demo model's answer to one call, from what any model would see: the instructions (system
 * text), the prompt (user text) and the JSON schema asked for, if any.
 */
import { demoAgentAction, demoSubtaskAnswer, demoSynthesis } from "./answers.ts";
import { demoPlan } from "./plan.ts";
import { textBetween } from "./prompt-text.ts";
import { schemaFiller, type JsonSchema } from "./schema-filler.ts";

/** One call as the demo model sees it. */
export interface DemoRequest {
	/** The instructions (system messages' text). */
	system: string;
	/** The prompt (user messages' text). */
	user: string;
	/** The JSON schema of a structured-output call, or null for free text. */
	schema: JsonSchema | null;
}

/** A structured answer (to be sent as JSON) or free text. */
export type DemoAnswer = { kind: "json"; value: unknown } | { kind: "text"; text: string };

/** Ids the demo model reports, so a run's status never names a real model it did not call. */
export const DEMO_MODEL_IDS = Object.freeze({ big: "demo-planner", small: "demo-worker" });

const propertiesOf = (schema: JsonSchema | null): Record<string, unknown> =>
	schema && typeof schema["properties"] === "object" && schema["properties"] !== null
		? (schema["properties"] as Record<string, unknown>)
		: {};

/** The answer to one call. Deterministic: the same call always gets the same answer. */
export function demoAnswer(request: DemoRequest): DemoAnswer {
	const properties = propertiesOf(request.schema);
	if ("subtasks" in properties || request.system.includes("You are the planner")) {
		const maxSubtasks = Number(/At most (\d+) subtasks/.exec(request.user)?.[1] ?? 4);
		const userRequest = textBetween(request.user, "User request:\n", ["\n\nYour previous plan was invalid:"]);
		return {
			kind: "json",
			value: demoPlan({
				request: userRequest ?? request.user,
				maxSubtasks,
				allowBrowser: !request.system.includes("Browsing is disabled"),
			}),
		};
	}
	if (("answer" in properties && "references" in properties) || request.system.includes("You combine the results")) {
		const synthesis = demoSynthesis(request.user);
		// Asked for free text, the answer carries its references as the [id] markers it already has.
		return request.schema ? { kind: "json", value: synthesis } : { kind: "text", text: synthesis.answer };
	}
	if (request.schema && "type" in properties && "reason" in properties) {
		return { kind: "json", value: { ...(schemaFiller(request.schema) as object), ...demoAgentAction(request.user) } };
	}
	if (request.schema) return { kind: "json", value: schemaFiller(request.schema) };
	return { kind: "text", text: demoSubtaskAnswer(request.user) };
}

/** A deterministic token estimate (characters / 4, rounded up): the demo's usage figures. */
export function estimateTokens(text: string): number {
	return Math.ceil(text.length / 4);
}
