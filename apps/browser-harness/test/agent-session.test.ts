import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { AgentLeaseRecord } from "../src/agent-journal";
import { AGENT_RECORD_TTL_MS, type SessionPool } from "../src/session-pool";
import { action, FakeClock, FakeDriver } from "./fakes";

/** A pool DO of its own, with a fake driver and clock swapped in. */
async function poolWithFakes(name: string) {
	const stub = env.SESSION_POOL.getByName(name);
	const driver = new FakeDriver();
	const clock = new FakeClock(Date.now());
	await runInDurableObject(stub, (instance: SessionPool) => {
		instance.driver = driver;
		instance.now = clock.now;
	});
	return { stub, driver, clock };
}

function agentRecord(id: string, poolLeaseId: string | null): AgentLeaseRecord {
	return {
		id,
		startUrl: "https://shop.example/form",
		origins: ["https://shop.example"],
		attr: "data-ow-ref-test",
		nextRef: 5,
		poolLeaseId,
		sessionId: poolLeaseId ? "s1" : null,
		contextId: poolLeaseId ? "ctx" : null,
		touchedAt: 0,
		journal: [],
	};
}

const send = action("click", { ref: "e4" });

describe("agent session records in the pool (Durable Object)", () => {
	it("should tell exactly one of two attempts of action k to perform it, and keep its record", async () => {
		const { stub } = await poolWithFakes("agent-once");
		await stub.saveAgentRecord(agentRecord("a1", null));
		const [first, second] = await Promise.all([
			stub.beginAgentAct("a1", 1, send, { role: "button", name: "Send" }),
			stub.beginAgentAct("a1", 1, send, { role: "button", name: "Send" }),
		]);
		expect([first?.kind, second?.kind].toSorted()).toEqual(["in-doubt", "perform"]);
		const step = { iteration: 1, action: send, outcome: "ok" as const, detail: "now at https://shop.example/form" };
		expect(await stub.finishAgentAct("a1", 1, step, { replay: "unsafe", why: "it sent POST /form" })).toBe(true);
		expect(await stub.beginAgentAct("a1", 1, send, null)).toMatchObject({ kind: "recorded", entry: { step } });
		// A caller saving its stale copy of the record never erases the journal.
		await stub.saveAgentRecord(agentRecord("a1", null));
		expect((await stub.agentRecord("a1"))?.journal).toMatchObject([{ k: 1, state: "finished", replay: "unsafe" }]);
		expect(await stub.beginAgentAct("nobody", 1, send, null)).toBeNull();
	});

	it("should reclaim the session of an agent lease whose steps stopped, keeping its journal for a rebuild", async () => {
		const { stub, driver, clock } = await poolWithFakes("agent-ttl");
		const outcome = await stub.acquire({ priority: 0, waitMs: 1_000 });
		if (!outcome.ok) throw new Error(outcome.error.message);
		const { leaseId } = outcome.lease;
		await stub.saveAgentRecord(agentRecord("a2", leaseId));
		clock.advance(4 * 60_000);
		expect(await stub.renew(leaseId)).toBe(true); // a step: the lease lives on
		clock.advance(4 * 60_000);
		await runDurableObjectAlarm(stub);
		expect(driver.closes).toEqual([]);
		clock.advance(60_001); // five minutes since the last renewal
		await runDurableObjectAlarm(stub);
		expect(driver.closes).toEqual(["s1"]);
		expect(await stub.renew(leaseId)).toBe(false);
		expect(await stub.agentRecord("a2")).toMatchObject({ id: "a2", poolLeaseId: leaseId });

		clock.advance(AGENT_RECORD_TTL_MS);
		await runDurableObjectAlarm(stub);
		expect(await stub.agentRecord("a2")).toBeNull();
	});

	it("should drop a record and give its session back when the session is released", async () => {
		const { stub } = await poolWithFakes("agent-release");
		const outcome = await stub.acquire({ priority: 0, waitMs: 1_000 });
		if (!outcome.ok) throw new Error(outcome.error.message);
		await stub.saveAgentRecord(agentRecord("a3", outcome.lease.leaseId));
		expect(await stub.dropAgentRecord("a3", true)).toBe(true);
		expect(await stub.stats()).toMatchObject({ busy: 0, available: 1 });
		expect(await stub.dropAgentRecord("a3", true)).toBe(false);
	});
});

describe("agent session RPC, before any browser", () => {
	it("should refuse a private start URL with url-refused before touching a session", async () => {
		const result = await exports.BrowserHarness.openSession({ leaseId: "rpc-1", url: "http://10.0.0.1/" });
		expect(result).toEqual({
			ok: false,
			error: { code: "url-refused", message: expect.stringMatching(/10\.0\.0\.1/), retryable: false },
		});
		expect(await env.SESSION_POOL.getByName("default").agentRecord("rpc-1")).toBeNull();
	});

	it("should refuse an allowedOrigins entry that is not an origin, and a lease id that is not a key", async () => {
		const origins = { leaseId: "rpc-2", url: "https://example.com/", allowedOrigins: ["example.org"] };
		await expect(exports.BrowserHarness.openSession(origins)).resolves.toMatchObject({
			ok: false,
			error: { code: "invalid-request", message: expect.stringMatching(/allowedOrigins/) },
		});
		await expect(
			exports.BrowserHarness.openSession({ leaseId: "a/b", url: "https://example.com/" }),
		).resolves.toMatchObject({ ok: false, error: { code: "invalid-request" } });
	});

	it("should answer an act on an unknown session with session-lost, not retryable", async () => {
		const observed = { url: "https://example.com/", elements: [] };
		await expect(
			exports.BrowserHarness.act({ leaseId: "never-opened", k: 1, action: send, observed }),
		).resolves.toEqual({
			ok: false,
			error: { code: "session-lost", message: expect.stringMatching(/unknown/), retryable: false },
		});
		expect(await exports.BrowserHarness.releaseSession("never-opened")).toBe(false);
	});
});
