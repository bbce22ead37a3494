import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { SessionPool } from "../src/session-pool";
import { FakeClock, FakeDriver } from "./fakes";

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

describe("SessionPool (Durable Object)", () => {
	it("should lend and take back sessions over RPC, sized by BROWSER_POOL_SIZE", async () => {
		const { stub, driver } = await poolWithFakes("rpc");
		const first = await stub.acquire({ priority: 0, waitMs: 1_000 });
		expect(first).toMatchObject({ ok: true, lease: { sessionId: "s1", reused: false } });
		if (!first.ok) return;
		expect(await stub.release(first.lease.leaseId, true)).toBe(true);
		expect(await stub.acquire({ priority: 0, waitMs: 1_000 })).toMatchObject({
			ok: true,
			lease: { sessionId: "s1", reused: true },
		});
		expect(driver.launches).toEqual(["s1"]);
		expect(await stub.stats()).toMatchObject({ size: 2, busy: 1, launched: 1, reused: 1 });
	});

	it("should answer a queue timeout with an error value, not a thrown error", async () => {
		const { stub } = await poolWithFakes("timeout");
		await stub.scale(1);
		await stub.acquire({ priority: 0, waitMs: 1_000 });
		const outcome = await stub.acquire({ priority: 0, waitMs: 20 });
		expect(outcome).toMatchObject({ ok: false, error: { code: "browser-unavailable" } });
	});

	it("should close an idle session from its alarm", async () => {
		const { stub, driver, clock } = await poolWithFakes("alarm");
		const outcome = await stub.acquire({ priority: 0, waitMs: 1_000 });
		if (!outcome.ok) throw new Error(outcome.error.message);
		await stub.release(outcome.lease.leaseId, true);
		const scheduled = await runInDurableObject(stub, (_instance, state) => state.storage.getAlarm());
		expect(scheduled).not.toBeNull();

		clock.advance(60_001);
		expect(await runDurableObjectAlarm(stub)).toBe(true);
		expect(driver.closes).toEqual(["s1"]);
		expect(await stub.stats()).toMatchObject({ available: 0, busy: 0, launched: 1 });
		expect(await runInDurableObject(stub, (_instance, state) => state.storage.getAlarm())).toBeNull();
	});

	it("should keep an idle session the alarm finds still fresh", async () => {
		const { stub, driver, clock } = await poolWithFakes("fresh");
		const outcome = await stub.acquire({ priority: 0, waitMs: 1_000 });
		if (!outcome.ok) throw new Error(outcome.error.message);
		await stub.release(outcome.lease.leaseId, true);
		clock.advance(10_000);
		expect(await runDurableObjectAlarm(stub)).toBe(true);
		expect(driver.closes).toEqual([]);
		expect(await stub.stats()).toMatchObject({ available: 1 });
	});

	it("should keep its scaled size and counters across an eviction", async () => {
		const { stub } = await poolWithFakes("persist");
		const outcome = await stub.acquire({ priority: 0, waitMs: 1_000 });
		if (!outcome.ok) throw new Error(outcome.error.message);
		await stub.release(outcome.lease.leaseId, true);
		expect(await stub.scale(5)).toMatchObject({ size: 5 });
		await evictDurableObject(stub);
		expect(await stub.stats()).toMatchObject({ size: 5, available: 1, launched: 1 });
	});
});
