/**
 * Agent sessions: an agentic browse driven by the caller one durable step at a time, over a browser
 * session the pool keeps for it (a lease renewed at every step). Behind `BrowserHarness.openSession`,
 * `act` and `releaseSession`.
 *
 * - `openAgentSession`: check the start URL (before any session is touched), record the session,
 *   lease a browser, load the start URL, observe. A retry with the same id observes the same page.
 * - `actInAgentSession`: check the action against the rules and the observation it answered, perform
 *   it at most once (the pool's record answers a retry of the same k), observe; `done` reads the
 *   final page. A lost page is rebuilt first (`agent-session-page.ts`).
 * - `releaseAgentSession`: close the page's context and give the session back; idempotent.
 *
 * Expected failures come back as `{ok: false, error}` values; nothing here throws.
 */
import {
	agentActRequestSchema,
	agentLeaseIdSchema,
	agentOpenRequestSchema,
	BROWSE_LIMITS,
	type AgentAction,
	type AgentActRequest,
	type AgentSessionResult,
	type AgentStep,
} from "@ow/schemas";
import { z } from "zod";
import { IN_DOUBT_DETAIL, replayVerdict, type AgentLeaseRecord, type JournalEntry } from "./agent-journal";
import { lastStatus } from "./agent-page";
import { allowedOriginsOf, checkAction } from "./agent-rules";
import { withAgentPage, type AgentPageAccess, type AgentStepPage } from "./agent-session-page";
import { QUEUE_WAIT_MS, storeScreenshot } from "./browse";
import { connectSession } from "./browser-client";
import { readConfig } from "./config";
import { BrowserHarnessError, toBrowseError } from "./errors";
import { closeContext, readContent } from "./page-reader";
import { POOL_NAME } from "./session-pool";
import { assertUrlAllowed } from "./url-safety";

/** How long an act may take (the action, a rebuild of a lost page, the observation) unless the request says. */
export const AGENT_ACT_TIMEOUT_MS = 60_000;

/** Leases a session for an agent, opens its start URL and observes it. */
export async function openAgentSession(env: Env, input: unknown): Promise<AgentSessionResult> {
	try {
		const parsed = agentOpenRequestSchema.safeParse(input);
		if (!parsed.success) throw new BrowserHarnessError("invalid-request", z.prettifyError(parsed.error));
		const request = parsed.data;
		const config = readConfig(env);
		const policy = { allowPrivate: config.allowPrivateUrls, allowedHosts: config.allowedHosts };
		const url = assertUrlAllowed(request.url, policy);
		const origins = allowedOriginsOf(url, request.allowedOrigins ?? []);
		const pool = env.SESSION_POOL.getByName(POOL_NAME);
		const record: AgentLeaseRecord = (await pool.agentRecord(request.leaseId)) ?? {
			id: request.leaseId,
			startUrl: url.href,
			origins: [...origins],
			attr: `data-ow-ref-${crypto.randomUUID().slice(0, 8)}`,
			nextRef: 1,
			poolLeaseId: null,
			sessionId: null,
			contextId: null,
			touchedAt: Date.now(),
			journal: [],
		};
		await pool.saveAgentRecord(record);
		const access = accessFor(env, request.timeoutMs ?? BROWSE_LIMITS.defaultTimeoutMs, request.priority);
		try {
			const view = await withAgentPage(access, record, 1, ({ page }) => page.observe());
			return { ok: true, step: null, view, page: null, replayed: 0 };
		} catch (error) {
			// Nothing was done on the site yet: let the session go, a retry opens a new one.
			await releaseAgentSession(env, record.id);
			throw error;
		}
	} catch (error) {
		return failure(error);
	}
}

/** Performs action k of an agent session (at most once) and observes the page after it. */
export async function actInAgentSession(env: Env, input: unknown): Promise<AgentSessionResult> {
	try {
		const parsed = agentActRequestSchema.safeParse(input);
		if (!parsed.success) throw new BrowserHarnessError("invalid-request", z.prettifyError(parsed.error));
		const request = parsed.data;
		const config = readConfig(env);
		const policy = { allowPrivate: config.allowPrivateUrls, allowedHosts: config.allowedHosts };
		const pool = env.SESSION_POOL.getByName(POOL_NAME);
		const record = await pool.agentRecord(request.leaseId);
		if (!record) {
			throw new BrowserHarnessError(
				"session-unreplayable",
				`agent session ${request.leaseId} is unknown: it was released, or expired after an hour without a step`,
			);
		}
		const access = accessFor(env, request.timeoutMs ?? AGENT_ACT_TIMEOUT_MS, 0);
		const { k } = request;
		const verdict = checkAction(request.action, {
			elements: request.observed.elements,
			pageUrl: request.observed.url,
			origins: new Set(record.origins),
			policy,
		});
		if (verdict.verdict !== "ok") {
			// Nothing is performed: the model hears why, and sees the page as it is.
			const action = verdict.verdict === "refused" ? verdict.action : request.action;
			const step = { iteration: k, action, outcome: "refused" as const, detail: verdict.reason };
			return await observed(access, record, k, step);
		}
		const { action, target } = verdict;
		if (action.type === "extract") return await observed(access, record, k, okStep(k, action));
		if (action.type === "done") return await finalPage(env, access, record, request, okStep(k, action));

		const earlier = record.journal.find((e) => e.k === k);
		// A retry of an action started before: the page is observed again, rebuilt with k included if gone.
		if (earlier) return await observed(access, record, k + 1, await settledStep(pool, record, earlier));
		const element = request.observed.elements.find((e) => e.ref === action.ref);
		const acted = element ? { role: element.role, name: element.name } : null;
		return await withAgentPage(access, record, k, async ({ page, replayed }) => {
			const decision = await pool.beginAgentAct(record.id, k, action, acted);
			if (decision === null) throw new BrowserHarnessError("session-unreplayable", `agent session ${record.id} ended`);
			if (decision.kind !== "perform") {
				// Another attempt of this step got there first: answer as a retry does, never act again.
				const step = await settledStep(pool, record, decision.entry);
				return { ok: true as const, step, view: await page.observe(), page: null, replayed };
			}
			const outcome = await page.perform(action, target);
			const step: AgentStep = { iteration: k, action, outcome: outcome.outcome, detail: outcome.detail };
			const replay = outcome.outcome === "refused" ? replayVerdict(action, []) : replayVerdict(action, outcome.sent);
			await pool.finishAgentAct(record.id, k, step, replay);
			record.journal = record.journal.filter((e) => e.k !== k);
			record.journal.push({ k, action, element: acted, state: "finished", step, ...replay });
			return { ok: true as const, step, view: await page.observe(), page: null, replayed };
		});
	} catch (error) {
		return failure(error);
	}
}

/** Ends an agent session: closes its page's context, gives the session back, drops the record. */
export async function releaseAgentSession(env: Env, leaseId: string): Promise<boolean> {
	if (!agentLeaseIdSchema.safeParse(leaseId).success) return false;
	const pool = env.SESSION_POOL.getByName(POOL_NAME);
	const record = await pool.agentRecord(leaseId);
	if (!record) return false;
	let healthy = false;
	if (record.poolLeaseId && record.sessionId && record.contextId && (await pool.renew(record.poolLeaseId))) {
		try {
			const browser = await connectSession(env.BROWSER, record.sessionId);
			try {
				const context = browser.browserContexts().find((c) => c.id === record.contextId);
				if (context) await closeContext(context);
				healthy = true;
			} finally {
				await browser.disconnect();
			}
		} catch (error) {
			// A session whose page cannot be closed is not lent on: the pool throws it away.
			console.warn(JSON.stringify({ msg: "closing an agent page failed", leaseId, error: String(error) }));
		}
	}
	return pool.dropAgentRecord(leaseId, healthy);
}

/**
 * How an action started before went: from the record when it finished; when its outcome was lost
 * (in doubt) it is recorded now as failed, and never performed again.
 */
async function settledStep(pool: AgentPool, record: AgentLeaseRecord, entry: JournalEntry): Promise<AgentStep> {
	if (entry.state === "finished" && entry.step) return entry.step;
	const step: AgentStep = { iteration: entry.k, action: entry.action, outcome: "failed", detail: IN_DOUBT_DETAIL };
	const verdict = replayVerdict(entry.action, [], true);
	await pool.finishAgentAct(record.id, entry.k, step, verdict);
	const local = record.journal.find((e) => e.k === entry.k);
	if (local) Object.assign(local, { state: "finished", step, ...verdict });
	return step;
}

type AgentPool = ReturnType<Env["SESSION_POOL"]["getByName"]>;

async function observed(
	access: AgentPageAccess,
	record: AgentLeaseRecord,
	beforeK: number,
	step: AgentStep,
): Promise<AgentSessionResult> {
	return withAgentPage(access, record, beforeK, async ({ page, replayed }) => ({
		ok: true as const,
		step,
		view: await page.observe(),
		page: null,
		replayed,
	}));
}

/** `done`: reads the final page like any browse (text, links, block detection, screenshot). */
async function finalPage(
	env: Env,
	access: AgentPageAccess,
	record: AgentLeaseRecord,
	request: AgentActRequest,
	step: AgentStep,
): Promise<AgentSessionResult> {
	const config = readConfig(env);
	const options = {
		maxTextChars: config.maxTextChars,
		screenshot: request.screenshot ?? false,
		screenshotMaxBytes: config.screenshotMaxBytes,
	};
	const read = ({ opened }: AgentStepPage) => readContent(opened.page, lastStatus(opened), options);
	const { screenshot, ...reading } = await withAgentPage(access, record, request.k, read);
	const screenshotKey = screenshot
		? await storeScreenshot(env.ARTIFACTS, screenshot, request.runId, reading.finalUrl)
		: null;
	return {
		ok: true,
		step,
		view: null,
		page: { requestedUrl: record.startUrl, ...reading, screenshotKey },
		replayed: 0,
	};
}

function okStep(k: number, action: AgentAction): AgentStep {
	return { iteration: k, action, outcome: "ok", detail: null };
}

function accessFor(env: Env, timeoutMs: number, priority = 0): AgentPageAccess {
	const config = readConfig(env);
	return {
		pool: env.SESSION_POOL.getByName(POOL_NAME),
		binding: env.BROWSER,
		policy: { allowPrivate: config.allowPrivateUrls, allowedHosts: config.allowedHosts },
		deadline: Date.now() + timeoutMs,
		priority,
		waitMs: QUEUE_WAIT_MS,
	};
}

function failure(error: unknown): AgentSessionResult {
	const failed = BrowserHarnessError.fromUnknown(error);
	if (failed.code === "internal") {
		console.error(JSON.stringify({ msg: "agent step failed", error: failed.message, stack: failed.stack }));
	}
	return { ok: false, error: toBrowseError(failed) };
}
