import { describe, expect, it } from "vitest";
import { BrowserHarnessError } from "../src/errors";
import { PoolCore } from "../src/pool-core";
import { deferred, FakeClock, FakeDriver, MemoryStore } from "./fakes";

function makePool(size: number, store = new MemoryStore()) {
	const driver = new FakeDriver();
	const clock = new FakeClock();
	let lease = 0;
	const pool = new PoolCore({
		driver,
		store,
		defaultSize: size,
		idleMs: 60_000,
		leaseTtlMs: 300_000,
		now: clock.now,
		newId: () => `lease-${++lease}`,
	});
	return { pool, driver, clock, store };
}

describe("PoolCore acquire and release", () => {
	it("should launch a session, then reuse it once released", async () => {
		const { pool, driver } = makePool(2);
		const first = await pool.acquire({ priority: 0, waitMs: 1_000 });
		expect(first).toMatchObject({ sessionId: "s1", reused: false });
		pool.release(first.leaseId, true);
		const second = await pool.acquire({ priority: 0, waitMs: 1_000 });
		expect(second).toMatchObject({ sessionId: "s1", reused: true });
		expect(driver.launches).toEqual(["s1"]);
		expect(pool.stats()).toMatchObject({ size: 2, busy: 1, available: 0, launched: 1, reused: 1, replaced: 0 });
	});

	it("should ignore a lease it does not know or already took back", async () => {
		const { pool } = makePool(1);
		const lease = await pool.acquire({ priority: 0, waitMs: 1_000 });
		expect(pool.release(lease.leaseId, true)).toBe(true);
		expect(pool.release(lease.leaseId, true)).toBe(false);
		expect(pool.release("nope", false)).toBe(false);
	});

	it("should never launch more sessions than its size while launches are in flight", async () => {
		const { pool, driver } = makePool(2);
		const gate = deferred();
		driver.gate = gate.promise;
		const pending = [0, 1, 2].map(() => pool.acquire({ priority: 0, waitMs: 5_000 }));
		expect(pool.stats()).toMatchObject({ launching: 2, queued: 1 });
		gate.resolve();
		const [a, b] = await Promise.all(pending.slice(0, 2));
		expect(driver.launches).toEqual(["s1", "s2"]);
		pool.release(a!.leaseId, true);
		expect((await pending[2])!).toMatchObject({ sessionId: "s1", reused: true });
		pool.release(b!.leaseId, true);
	});
});

describe("PoolCore queue", () => {
	it("should serve queued browses by priority, then by age", async () => {
		const { pool } = makePool(1);
		const holder = await pool.acquire({ priority: 0, waitMs: 1_000 });
		const served: string[] = [];
		const queue = (name: string, priority: number) =>
			pool.acquire({ priority, waitMs: 5_000 }).then((lease) => {
				served.push(name);
				pool.release(lease.leaseId, true);
			});
		const waiting = [queue("low-1", 1), queue("high", 9), queue("low-2", 1), queue("mid", 5)];
		expect(pool.stats().queued).toBe(4);
		pool.release(holder.leaseId, true);
		await Promise.all(waiting);
		expect(served).toEqual(["high", "mid", "low-1", "low-2"]);
	});

	it("should give up on a browse that waited too long with browser-unavailable", async () => {
		const { pool } = makePool(1);
		await pool.acquire({ priority: 0, waitMs: 1_000 });
		const error = await pool.acquire({ priority: 0, waitMs: 20 }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(BrowserHarnessError);
		expect(error).toMatchObject({ code: "browser-unavailable", recoverable: true });
		expect(pool.stats().queued).toBe(0);
	});
});

describe("PoolCore replacement", () => {
	it("should throw away an unhealthy session and launch a new one for the next browse", async () => {
		const { pool, driver } = makePool(1);
		const lease = await pool.acquire({ priority: 0, waitMs: 1_000 });
		pool.release(lease.leaseId, false);
		await pool.settled();
		expect(driver.closes).toEqual(["s1"]);
		const next = await pool.acquire({ priority: 0, waitMs: 1_000 });
		expect(next).toMatchObject({ sessionId: "s2", reused: false });
		expect(pool.stats()).toMatchObject({ launched: 2, replaced: 1, unhealthy: 0 });
	});

	it("should launch a replacement for a queued browse when the busy session dies", async () => {
		const { pool, driver } = makePool(1);
		const lease = await pool.acquire({ priority: 0, waitMs: 1_000 });
		const waiting = pool.acquire({ priority: 0, waitMs: 5_000 });
		pool.release(lease.leaseId, false);
		expect(await waiting).toMatchObject({ sessionId: "s2", reused: false });
		expect(driver.launches).toEqual(["s1", "s2"]);
	});

	it("should report a failed launch to the browse and leave room for the next one", async () => {
		const { pool, driver } = makePool(1);
		driver.failures.push(new BrowserHarnessError("browser-unavailable", "no browsers"));
		await expect(pool.acquire({ priority: 0, waitMs: 1_000 })).rejects.toMatchObject({ code: "browser-unavailable" });
		await expect(pool.acquire({ priority: 0, waitMs: 1_000 })).resolves.toMatchObject({ sessionId: "s1" });
	});
});

describe("PoolCore scale and sweep", () => {
	it("should close idle sessions above a smaller size and busy ones when they come back", async () => {
		const { pool, driver } = makePool(3);
		const leases = await Promise.all([0, 1, 2].map(() => pool.acquire({ priority: 0, waitMs: 1_000 })));
		pool.release(leases[0]!.leaseId, true);
		expect(pool.scale(1)).toMatchObject({ size: 1, available: 0, busy: 2 });
		pool.release(leases[1]!.leaseId, true);
		await pool.settled();
		expect(driver.closes).toEqual(["s1", "s2"]);
		expect(pool.stats()).toMatchObject({ size: 1, busy: 1, available: 0 });
	});

	it("should serve queued browses at once when scaled up", async () => {
		const { pool } = makePool(1);
		await pool.acquire({ priority: 0, waitMs: 1_000 });
		const waiting = pool.acquire({ priority: 0, waitMs: 5_000 });
		pool.scale(2);
		await expect(waiting).resolves.toMatchObject({ sessionId: "s2" });
	});

	it("should close sessions idle for longer than idleMs and forget abandoned leases", async () => {
		const { pool, driver, clock } = makePool(3);
		const [a, b, c] = await Promise.all([0, 1, 2].map(() => pool.acquire({ priority: 0, waitMs: 1_000 })));
		pool.release(a!.leaseId, true);
		clock.advance(30_000);
		pool.release(b!.leaseId, true);
		expect(pool.nextSweepAt()).toBe(clock.ms - 30_000 + 60_000);
		clock.advance(31_000);
		await pool.sweep();
		expect(driver.closes).toEqual(["s1"]);
		clock.advance(300_000);
		await pool.sweep();
		expect(driver.closes.toSorted()).toEqual(["s1", "s2", "s3"]);
		expect(pool.release(c!.leaseId, true)).toBe(false);
		expect(pool.nextSweepAt()).toBeNull();
	});

	it("should keep a renewed lease past its first time to live and reclaim it once renewals stop", async () => {
		const { pool, driver, clock } = makePool(2);
		const held = await pool.acquire({ priority: 0, waitMs: 1_000 });
		clock.advance(200_000);
		expect(pool.renew(held.leaseId)).toBe(true);
		expect(pool.nextSweepAt()).toBe(clock.ms + 300_000);
		clock.advance(200_000); // 400 s after the lease was given, 200 s after its renewal
		await pool.sweep();
		expect(driver.closes).toEqual([]);
		expect(pool.stats()).toMatchObject({ busy: 1 });
		clock.advance(100_000);
		await pool.sweep();
		expect(driver.closes).toEqual(["s1"]);
		expect(pool.stats()).toMatchObject({ busy: 0, available: 0 });
		// The holder finds out at its next renewal: the lease is gone, its session with it.
		expect(pool.renew(held.leaseId)).toBe(false);
		expect(pool.release(held.leaseId, true)).toBe(false);
	});

	it("should keep size, sessions and counters across a restart", async () => {
		const first = makePool(2);
		const lease = await first.pool.acquire({ priority: 0, waitMs: 1_000 });
		first.pool.release(lease.leaseId, true);
		first.pool.scale(4);
		const again = makePool(2, first.store);
		expect(again.pool.stats()).toMatchObject({ size: 4, available: 1, launched: 1 });
		await expect(again.pool.acquire({ priority: 0, waitMs: 1_000 })).resolves.toMatchObject({
			sessionId: "s1",
			reused: true,
		});
	});
});
