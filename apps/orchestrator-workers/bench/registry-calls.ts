/**
 * Counts the registry's D1 traffic from inside the orchestrator's isolate: a logpoint-like conditional
 * breakpoint (through wrangler's inspector) on the one function of workerd's D1 client that every
 * query and batch passes, `_send`, tallies round trips and statements (reads: SELECT; writes: the
 * rest) in a global of the isolate, and never pauses. Slow while on, so for counting, never timing.
 */
import { connect, debuggerUrl } from "./cpu-profile.ts";

export interface RegistryCalls {
	roundTrips: number;
	reads: number;
	writes: number;
}

const D1_CLIENT = "cloudflare-internal:d1-api";
const COUNTERS = "globalThis.__registryCalls";
const TALLY = `((c) => {
	const statements = Array.isArray(query) ? query : [query];
	c.roundTrips++;
	for (const sql of statements) /^\\s*(SELECT|WITH)\\b/i.test(sql) ? c.reads++ : c.writes++;
	return false;
})(${COUNTERS} ??= { roundTrips: 0, reads: 0, writes: 0 })`;

/**
 * Counts while `body` runs what the isolate sent to D1. `useD1` makes the isolate query D1 (uncounted):
 * the isolate loads its D1 client on its first query, so one that was just started has none to break in.
 */
export async function countRegistryCalls<T>(
	inspectorPort: number,
	body: () => Promise<T>,
	useD1: () => Promise<unknown>,
): Promise<{ value: T; calls: RegistryCalls }> {
	const scripts = new Map<string, string>();
	const contexts: number[] = [];
	const cdp = await connect(await debuggerUrl(inspectorPort), (method, params) => {
		const p = params as { url: string; scriptId: string; context: { id: number } };
		if (method === "Debugger.scriptParsed") scripts.set(p.url, p.scriptId);
		if (method === "Runtime.executionContextCreated") contexts.push(p.context.id);
	});
	const evaluate = async (expression: string) => {
		const answer = (await cdp.send("Runtime.evaluate", {
			expression,
			contextId: contexts[0],
			returnByValue: true,
		})) as {
			result: { value: unknown };
		};
		return answer.result.value;
	};
	try {
		// The isolate announces its execution context on Runtime.enable; after another DevTools session
		// it may take a moment, or a second enable.
		for (let tries = 0; contexts.length === 0 && tries < 20; tries += 1) {
			if (tries % 5 === 0) {
				await cdp.send("Runtime.disable").catch(() => undefined);
				await cdp.send("Runtime.enable");
			}
			if (contexts.length === 0) await new Promise((r) => setTimeout(r, 100));
		}
		if (contexts.length === 0) throw new Error("the isolate announced no execution context");
		// The scripts are announced after the answer to Debugger.enable, one event each; on a busy isolate
		// (right after a profile) that can take seconds, and a second enable announces them again.
		for (let tries = 0; !scripts.has(D1_CLIENT) && tries < 100; tries += 1) {
			if (tries % 25 === 0) {
				if (tries > 0) await useD1();
				await cdp.send("Debugger.disable").catch(() => undefined);
				await cdp.send("Debugger.enable");
			}
			if (!scripts.has(D1_CLIENT)) await new Promise((r) => setTimeout(r, 100));
		}
		const scriptId = scripts.get(D1_CLIENT);
		if (!scriptId) throw new Error(`the isolate has not loaded ${D1_CLIENT}`);
		const { scriptSource } = (await cdp.send("Debugger.getScriptSource", { scriptId })) as { scriptSource: string };
		const line = scriptSource.split("\n").findIndex((l) => /^\s*async _send\(endpoint, query,/.test(l));
		if (line < 0) throw new Error(`${D1_CLIENT} has no _send(endpoint, query, ...) any more: update the counter`);
		await cdp.send("Debugger.setBreakpoint", { location: { scriptId, lineNumber: line + 1 }, condition: TALLY });
		await evaluate(`${COUNTERS} = { roundTrips: 0, reads: 0, writes: 0 }`);
		const value = await body();
		return { value, calls: (await evaluate(COUNTERS)) as RegistryCalls };
	} finally {
		await cdp.send("Debugger.disable").catch(() => undefined);
		await cdp.send("Runtime.disable").catch(() => undefined);
		cdp.close();
	}
}
