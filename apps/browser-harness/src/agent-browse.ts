/**
 * Agent mode of a browse, inside a leased browser: open the start URL exactly as the read path
 * does (same context hygiene, request guard and URL policy), restrict later main-frame navigations
 * to the allowed origins, run the loop, then read the final page like any browse. Everything,
 * the first load included, fits in the request's timeout.
 */
import type { Browser } from "@cloudflare/puppeteer";
import type { AgentCallbacks, AgentResult } from "@ow/schemas";
import { runAgentLoop, type AgentTrace } from "./agent-loop";
import { createAgentPage, lastStatus } from "./agent-page";
import { readContent, withOpenedPage, type PageReading, type ReadOptions } from "./page-reader";

/** How to run an agentic browse. */
export interface AgentBrowseOptions extends ReadOptions {
	maxIterations: number;
	/** Origins the agent may go to (the start URL's included). */
	origins: ReadonlySet<string>;
}

/** Runs the agent from `url`; throws a `BrowserHarnessError`, with the steps so far in `trace`. */
export async function browseAsAgent(
	browser: Browser,
	url: URL,
	options: AgentBrowseOptions,
	callbacks: AgentCallbacks,
	trace: AgentTrace,
): Promise<PageReading & { agent: AgentResult }> {
	const deadline = Date.now() + options.timeoutMs;
	return withOpenedPage(browser, url, options, async (opened) => {
		// The site the start URL redirected to on the first load counts as the starting site too.
		const origins = new Set(options.origins);
		const landed = URL.parse(opened.page.url());
		if (landed && (landed.protocol === "http:" || landed.protocol === "https:")) origins.add(landed.origin);
		opened.guard.navigationRule = (target) =>
			(target.protocol === "http:" || target.protocol === "https:") && !origins.has(target.origin)
				? `${target.origin} is another site; only ${[...origins].join(", ")} may be visited`
				: null;
		const page = createAgentPage(opened, { deadline, policy: options.policy });
		const agent = await runAgentLoop(
			page,
			callbacks,
			{ maxIterations: options.maxIterations, deadline, origins, policy: options.policy },
			trace,
		);
		const reading = await readContent(opened.page, lastStatus(opened), options);
		return { ...reading, agent };
	});
}
