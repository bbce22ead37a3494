/**
 * The page of an agent session, for one step: connect to the session the record names and find the
 * page left open there; or, when that session is gone (Chromium died, the lease expired and the pool
 * reclaimed it, the dev server restarted), rebuild the page on a new session by loading the start URL
 * and performing again the recorded actions that are safe to replay. A recorded action that may have
 * changed something on the site (`agent-journal.ts`) forbids the rebuild: the step fails with
 * `session-unreplayable`, naming it, and nothing is replayed.
 *
 * The page's context outlives the step's connection: the step disconnects, never closes it. The
 * record is updated with where the page now lives.
 */
import type { Browser, BrowserContext, Page } from "@cloudflare/puppeteer";
import { rebuildPlan, describeAction, type AgentLeaseRecord } from "./agent-journal";
import { createAgentPage, type AgentPage } from "./agent-page";
import { connectSession, type BrowserBinding } from "./browser-client";
import { guardBrowser } from "./browser-guard";
import { BrowserHarnessError } from "./errors";
import { guardPage, loadInContext, type OpenedPage } from "./page-reader";
import type { PoolClient } from "./session-lease";
import type { UrlPolicy } from "./url-safety";

/** The pool as an agent step uses it: the lease calls plus renewal and the session records. */
export interface AgentPoolClient extends PoolClient {
	renew(leaseId: string): Promise<boolean>;
	saveAgentRecord(record: AgentLeaseRecord): Promise<void>;
}

/** What a step's work gets. */
export interface AgentStepPage {
	page: AgentPage;
	opened: OpenedPage;
	/** Recorded actions performed again to rebuild the page (0 when the page was still there). */
	replayed: number;
}

/** How to reach the page. */
export interface AgentPageAccess {
	pool: AgentPoolClient;
	binding: BrowserBinding;
	policy: UrlPolicy;
	/** Epoch ms by which the step must be done. */
	deadline: number;
	priority: number;
	/** Longest wait in the pool's queue for a new session. */
	waitMs: number;
}

/**
 * Runs `work` on the session's page, rebuilt first if it is gone (performing again the recorded
 * actions before `beforeK`). Saves the record afterwards; a connection that died during `work`
 * gives the session back as unhealthy, so the next step rebuilds.
 */
export async function withAgentPage<T>(
	access: AgentPageAccess,
	record: AgentLeaseRecord,
	beforeK: number,
	work: (step: AgentStepPage) => Promise<T>,
): Promise<T> {
	const attached = (await attach(access, record)) ?? (await rebuild(access, record, beforeK));
	const { browser, opened, replayed } = attached;
	const elsewhere = await guardBrowser(browser, access.policy);
	const page = createAgentPage(opened, {
		deadline: access.deadline,
		policy: access.policy,
		attr: record.attr,
		nextRef: attached.nextRef,
	});
	let lost = false;
	try {
		return await work({ page, opened, replayed });
	} catch (error) {
		lost = BrowserHarnessError.fromUnknown(error).code === "session-lost" || !browser.connected;
		throw error;
	} finally {
		record.nextRef = page.nextRef();
		await elsewhere.release().catch(() => undefined); // gone with the connection already
		await browser.disconnect().catch(() => undefined); // the socket is already closed
		if (lost && record.poolLeaseId) {
			await access.pool.release(record.poolLeaseId, false);
			Object.assign(record, { poolLeaseId: null, sessionId: null, contextId: null });
		}
		await access.pool.saveAgentRecord(record);
	}
}

interface Attached {
	browser: Browser;
	opened: OpenedPage;
	nextRef: number;
	replayed: number;
}

/** The page left open in the record's session, or null when the session or the page is gone. */
async function attach(access: AgentPageAccess, record: AgentLeaseRecord): Promise<Attached | null> {
	const { poolLeaseId, sessionId, contextId } = record;
	if (!poolLeaseId || !sessionId || !contextId) return null;
	const forget = async (healthy: boolean) => {
		await access.pool.release(poolLeaseId, healthy);
		Object.assign(record, { poolLeaseId: null, sessionId: null, contextId: null });
		return null;
	};
	// Renewal fails once the pool reclaimed the expired lease (and closed its session).
	if (!(await access.pool.renew(poolLeaseId))) return forget(false);
	let browser: Browser;
	try {
		browser = await connectSession(access.binding, sessionId);
	} catch (error) {
		console.warn(JSON.stringify({ msg: "agent session lost", sessionId, error: String(error) }));
		return forget(false);
	}
	try {
		const context = browser.browserContexts().find((c) => c.id === contextId);
		const page = context ? (await context.pages())[0] : undefined;
		if (!context || !page) {
			await browser.disconnect();
			return forget(false);
		}
		const opened = await reopen(page, context, record, access.policy);
		return { browser, opened, nextRef: record.nextRef, replayed: 0 };
	} catch (error) {
		await browser.disconnect().catch(() => undefined); // already dropped
		if (BrowserHarnessError.fromUnknown(error).code === "session-lost") return forget(false);
		throw error;
	}
}

/** Guards a page found again in a new connection: its request interception died with the old one. */
async function reopen(
	page: Page,
	context: BrowserContext,
	record: AgentLeaseRecord,
	policy: UrlPolicy,
): Promise<OpenedPage> {
	const guard = await guardPage(page, context, policy);
	restrictTo(guard, record.origins);
	return { page, context, guard, response: null };
}

function restrictTo(guard: OpenedPage["guard"], origins: readonly string[]): void {
	const allowed = new Set(origins);
	guard.navigationRule = (target) =>
		(target.protocol === "http:" || target.protocol === "https:") && !allowed.has(target.origin)
			? `${target.origin} is another site; only ${origins.join(", ")} may be visited`
			: null;
}

/**
 * A new session and page for the record: the start URL, then the recorded actions before `beforeK`
 * that are safe to replay, each on the element it was first aimed at.
 */
async function rebuild(access: AgentPageAccess, record: AgentLeaseRecord, beforeK: number): Promise<Attached> {
	const plan = rebuildPlan(record.journal, beforeK);
	if (!plan.ok) throw new BrowserHarnessError("session-unreplayable", plan.message);
	const { browser, leaseId, sessionId } = await leaseBrowser(access);
	try {
		const context = await browser.createBrowserContext();
		Object.assign(record, { poolLeaseId: leaseId, sessionId, contextId: context.id ?? null });
		const timeoutMs = Math.max(1_000, access.deadline - Date.now());
		const opened = await loadInContext(context, new URL(record.startUrl), { timeoutMs, policy: access.policy });
		if (record.journal.length === 0) {
			// The first load: the site the start URL redirected to counts as the starting site too.
			const landed = URL.parse(opened.page.url());
			if (landed && /^https?:$/.test(landed.protocol) && !record.origins.includes(landed.origin)) {
				record.origins.push(landed.origin);
			}
		}
		restrictTo(opened.guard, record.origins);
		const page = createAgentPage(opened, {
			deadline: access.deadline,
			policy: access.policy,
			attr: record.attr,
			nextRef: 1,
		});
		for (const entry of plan.entries) {
			const view = await page.observe();
			const { action } = entry;
			const found = action.ref ? view.elements.find((e) => e.ref === action.ref) : undefined;
			if (entry.element && (found?.role !== entry.element.role || found?.name !== entry.element.name)) {
				throw new BrowserHarnessError(
					"session-unreplayable",
					`the browser session was lost and the page cannot be rebuilt: the page changed, action ${entry.k} (${describeAction(entry)}) no longer finds its element`,
				);
			}
			const target = action.type === "navigate" && action.url ? URL.parse(action.url, view.url) : null;
			const outcome = await page.perform(action, target);
			if (outcome.outcome !== "ok") {
				throw new BrowserHarnessError(
					"session-unreplayable",
					`the browser session was lost and the page cannot be rebuilt: replaying action ${entry.k} (${describeAction(entry)}) did not work: ${outcome.detail ?? outcome.outcome}`,
				);
			}
		}
		return { browser, opened, nextRef: page.nextRef(), replayed: plan.entries.length };
	} catch (error) {
		// A failed rebuild leaves nothing worth keeping: the next attempt starts again from the journal.
		await browser.disconnect().catch(() => undefined);
		await access.pool.release(leaseId, false);
		Object.assign(record, { poolLeaseId: null, sessionId: null, contextId: null });
		throw error;
	}
}

/** Leases a pooled session that answers, trying up to three. */
async function leaseBrowser(
	access: AgentPageAccess,
): Promise<{ browser: Browser; leaseId: string; sessionId: string }> {
	let lastError: unknown;
	for (let attempt = 1; attempt <= 3; attempt++) {
		const outcome = await access.pool.acquire({ priority: access.priority, waitMs: access.waitMs });
		if (!outcome.ok) throw new BrowserHarnessError(outcome.error.code, outcome.error.message);
		const { leaseId, sessionId } = outcome.lease;
		try {
			return { browser: await connectSession(access.binding, sessionId), leaseId, sessionId };
		} catch (error) {
			lastError = error;
			await access.pool.release(leaseId, false);
		}
	}
	throw new BrowserHarnessError("browser-unavailable", "no working browser session after 3 tries", {
		cause: lastError,
	});
}
