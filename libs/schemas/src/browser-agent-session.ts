/**
 * The agent session RPC of the browser harness: the caller (the orchestrator's Workflow) drives an
 * agentic browse one durable step at a time, over a browser session the harness keeps for it.
 *
 * - `agentLeaseIdSchema`: the id of an agent session (its lease), chosen by the caller.
 * - `agentPageViewSchema`: the page as the model sees it (URL, title, elements, text).
 * - `agentOpenRequestSchema`: `openSession`: lease a session, load the start URL, observe.
 * - `agentActRequestSchema`: `act`: perform action k (at most once, whatever the retries), observe.
 * - `agentSessionResultSchema`: what `openSession` and `act` answer (errors are values).
 */
import { z } from "zod";
import { agentActionSchema, agentElementSchema, agentStepSchema } from "./browser-agent";
import { BROWSE_LIMITS, browsedPageSchema, browseErrorCodeSchema } from "./browser-task";

/** An agent session's id: letters, digits and `_ . : -`, so it is safe as a storage key. */
export const agentLeaseIdSchema = z.string().regex(/^[A-Za-z0-9_.:-]{1,200}$/);

/** The page as the model sees it, before it picks the next action. */
export const agentPageViewSchema = z.object({
	url: z.string(),
	title: z.string(),
	elements: z.array(agentElementSchema),
	/** The visible text, cut with a marker. */
	text: z.string(),
});
export type AgentPageView = z.infer<typeof agentPageViewSchema>;

/** `openSession`: lease a browser session for the agent, open the start URL and observe it. */
export const agentOpenRequestSchema = z
	.object({
		leaseId: agentLeaseIdSchema,
		url: z.string().min(1),
		/** Longest the first load may take. */
		timeoutMs: z.int().min(BROWSE_LIMITS.minTimeoutMs).max(BROWSE_LIMITS.maxTimeoutMs).optional(),
		priority: z.int().min(0).max(BROWSE_LIMITS.maxPriority).optional(),
		/** Origins (`https://docs.example.com`) the agent may go to besides the start URL's. */
		allowedOrigins: z.array(z.string().max(200)).max(20).optional(),
	})
	.strict();
export type AgentOpenRequest = z.infer<typeof agentOpenRequestSchema>;

/**
 * `act`: perform the k-th action the model picked, in the page it observed. A retry of the same k
 * never performs it again: the harness answers from what it recorded when it did.
 */
export const agentActRequestSchema = z
	.object({
		leaseId: agentLeaseIdSchema,
		/** 1-based iteration that picked the action. */
		k: z.int().min(1).max(BROWSE_LIMITS.maxIterations),
		action: agentActionSchema,
		/** The observation the model answered: references and relative URLs are checked against it. */
		observed: z.object({ url: z.string(), elements: z.array(agentElementSchema) }),
		/** Longest the action (and a rebuild of a lost page) may take. */
		timeoutMs: z.int().min(BROWSE_LIMITS.minTimeoutMs).max(BROWSE_LIMITS.maxTimeoutMs).optional(),
		/** `done` only: keep a screenshot of the final page, stored under this run. */
		screenshot: z.boolean().optional(),
		runId: z.string().max(128).optional(),
	})
	.strict();
export type AgentActRequest = z.infer<typeof agentActRequestSchema>;

/**
 * What `openSession` and `act` answer. `step` is the action as recorded (`act` only); `view` the page
 * after it (null after `done`); `page` the final page, read after `done`; `replayed` the recorded
 * actions performed again to rebuild a lost page before this one (0 normally).
 */
export const agentSessionResultSchema = z.discriminatedUnion("ok", [
	z.object({
		ok: z.literal(true),
		step: agentStepSchema.nullable(),
		view: agentPageViewSchema.nullable(),
		page: browsedPageSchema.nullable(),
		replayed: z.int().min(0),
	}),
	z.object({
		ok: z.literal(false),
		error: z.object({ code: browseErrorCodeSchema, message: z.string(), retryable: z.boolean() }),
	}),
]);
export type AgentSessionResult = z.infer<typeof agentSessionResultSchema>;
