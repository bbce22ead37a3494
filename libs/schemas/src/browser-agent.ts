/**
 * Agent mode of the browser harness: observe the page, let the small model pick one action, perform
 * it, repeat.
 *
 * - `agentActionSchema`: the one action the model picks per iteration (model output).
 * - `agentElementSchema`: one visible interactive element of the page, with its stable reference.
 * - `agentObservationSchema`: what the model sees before it picks (harness output).
 * - `agentStepSchema`: one action taken (or refused), as recorded and reported as progress.
 */
import { z } from "zod";

/** Iterations an agentic browse runs when the request does not say (at most `BROWSE_LIMITS.maxIterations`). */
export const AGENT_DEFAULT_MAX_ITERATIONS = 10;

/** Bounds of agent mode; the harness enforces them. */
export const AGENT_LIMITS = Object.freeze({
	/** Most elements an observation lists (those in or below the viewport first). */
	maxElements: 60,
	/** Page text an observation carries before it is cut with a visible marker. */
	maxTextChars: 4_000,
	/** Longest text a `type` action may enter; longer is refused. */
	maxTypedChars: 500,
	/** Longest answer kept from `extract` and `done`; longer is cut with a marker. */
	maxAnswerChars: 8_000,
	/** Steps an observation repeats back to the model as its history (the latest ones). */
	maxHistory: 10,
});

/** The actions the model can pick. */
export const agentActionTypeSchema = z.enum([
	"click", // click the element `ref`
	"type", // replace the content of the text field `ref` with `text`
	"select", // choose the option `text` (label or value) in the drop-down `ref`
	"navigate", // open `url` (same site unless other origins are allowed)
	"scroll", // bring `ref` into view, or scroll one screen down (`text` "up": up)
	"extract", // record `text` (copied from the page) as (part of) the answer, and go on
	"done", // finish; `text` is the answer (null when the goal asks for no information)
]);
export type AgentActionType = z.infer<typeof agentActionTypeSchema>;

/**
 * The one action the model picks per iteration.
 * @remarks A flat object with every field required and `null` where it does not apply: strict
 * JSON-schema structured output (OpenAI-style) wants every property in `required` and copes badly
 * with unions, so the per-type rules are checked by the harness, not by the schema.
 */
export const agentActionSchema = z.object({
	type: agentActionTypeSchema.describe(
		"The action: click, type, select, navigate, scroll, extract or done (finish, with the answer in text).",
	),
	ref: z
		.string()
		.nullable()
		.describe("Reference of the element to act on, e.g. e3, for click, type, select (and scroll); otherwise null."),
	text: z
		.string()
		.nullable()
		.describe(
			"For type: the text to enter. For select: the option's label or value. For extract and done: the answer. Otherwise null.",
		),
	url: z.string().nullable().describe("For navigate: the absolute or relative URL to open. Otherwise null."),
	reason: z.string().describe("One short sentence: why this action brings the goal closer."),
});
export type AgentAction = z.infer<typeof agentActionSchema>;

/** One visible, enabled, interactive element of the page. */
export const agentElementSchema = z.object({
	/** Stable while the element stays in the document: `e1`, `e2`, … never reused within a browse. */
	ref: z.string(),
	/** ARIA role, explicit or implied (`link`, `button`, `textbox`, `checkbox`, `combobox`, …). */
	role: z.string(),
	/** Accessible name: label, aria-label, text content, placeholder, …; cut to 100 characters. */
	name: z.string(),
	tag: z.string(),
	/** `type` of an `<input>`, else null. */
	inputType: z.string().nullable(),
	/** Current value (text fields), `checked`/`not checked`, or a select's choice and options; never a password. */
	value: z.string().nullable(),
});
export type AgentElement = z.infer<typeof agentElementSchema>;

/** One action taken, refused or failed. */
export const agentStepSchema = z.object({
	/** 1-based iteration that produced it. */
	iteration: z.int().min(1),
	action: agentActionSchema,
	/** `ok`: performed; `refused`: not performed (a guardrail or an invalid action); `failed`: tried, did not work. */
	outcome: z.enum(["ok", "refused", "failed"]),
	/** Why it was refused or failed, or what it did (e.g. where a click led). */
	detail: z.string().nullable(),
});
export type AgentStep = z.infer<typeof agentStepSchema>;

/** What the model sees before it picks an action. */
export const agentObservationSchema = z.object({
	/** 1-based. */
	iteration: z.int().min(1),
	maxIterations: z.int().min(1),
	url: z.string(),
	title: z.string(),
	elements: z.array(agentElementSchema).max(AGENT_LIMITS.maxElements),
	/** The page's visible text, cut to `AGENT_LIMITS.maxTextChars` with a visible marker. */
	text: z.string(),
	/** Why the previous action was refused or failed; set for the next observation only. */
	lastError: z.string().nullable(),
	/** The latest steps of this browse, oldest first (at most `AGENT_LIMITS.maxHistory`); the harness always sets it. */
	history: z.array(agentStepSchema).max(AGENT_LIMITS.maxHistory).optional(),
});
export type AgentObservation = z.infer<typeof agentObservationSchema>;
