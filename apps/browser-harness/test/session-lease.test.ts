import { describe, expect, it } from "vitest";
import { BrowserHarnessError } from "../src/errors";
import type { AcquireOutcome, AcquireRequest } from "../src/pool-types";
import { withLeasedBrowser, type PoolClient } from "../src/session-lease";

/** A pool that hands out the given session ids and records releases. */
class FakePool implements PoolClient {
	readonly releases: Array<[string, boolean]> = [];
	#n = 0;
	constructor(private readonly sessions: string[]) {}

	async acquire(_request: AcquireRequest): Promise<AcquireOutcome> {
		const sessionId = this.sessions[this.#n++];
		if (!sessionId) return { ok: false, error: { code: "browser-unavailable", message: "pool empty" } };
		return { ok: true, lease: { leaseId: `lease-${sessionId}`, sessionId, reused: false } };
	}

	async release(leaseId: string, healthy: boolean): Promise<boolean> {
		this.releases.push([leaseId, healthy]);
		return true;
	}
}

/** A connected browser that records whether it was disconnected. */
class FakeBrowser {
	connected = true;
	disconnects = 0;
	constructor(readonly sessionId: string) {}
	async disconnect(): Promise<void> {
		this.disconnects++;
		this.connected = false;
	}
}

const request = { priority: 0, waitMs: 1_000 };
const connectFake = async (id: string) => new FakeBrowser(id);
const connectExceptDead = async (id: string) => {
	if (id === "dead") throw new BrowserHarnessError("session-lost", "gone");
	return new FakeBrowser(id);
};
const connectNever = async (): Promise<FakeBrowser> => {
	throw new BrowserHarnessError("session-lost", "gone");
};
const failWith = (code: "session-lost" | "navigation-timeout") => async () => {
	throw new BrowserHarnessError(code, `failed with ${code}`);
};

describe("withLeasedBrowser", () => {
	it("should disconnect and give the session back healthy after the work", async () => {
		const pool = new FakePool(["a"]);
		const browsers: FakeBrowser[] = [];
		const connect = async (id: string) => {
			const browser = new FakeBrowser(id);
			browsers.push(browser);
			return browser;
		};
		await expect(withLeasedBrowser({ pool, connect }, request, async (b) => b.sessionId)).resolves.toBe("a");
		expect(browsers[0]!.disconnects).toBe(1);
		expect(pool.releases).toEqual([["lease-a", true]]);
	});

	it("should replace a session it cannot connect to and go on with the next", async () => {
		const pool = new FakePool(["dead", "fresh"]);
		await expect(
			withLeasedBrowser({ pool, connect: connectExceptDead }, request, async (b) => b.sessionId),
		).resolves.toBe("fresh");
		expect(pool.releases).toEqual([
			["lease-dead", false],
			["lease-fresh", true],
		]);
	});

	it("should give a session back unhealthy when the work lost it, and rethrow", async () => {
		const pool = new FakePool(["a"]);
		await expect(
			withLeasedBrowser({ pool, connect: connectFake }, request, failWith("session-lost")),
		).rejects.toMatchObject({
			code: "session-lost",
		});
		expect(pool.releases).toEqual([["lease-a", false]]);
	});

	it("should keep a session healthy when only the page failed", async () => {
		const pool = new FakePool(["a"]);
		await expect(
			withLeasedBrowser({ pool, connect: connectFake }, request, failWith("navigation-timeout")),
		).rejects.toMatchObject({
			code: "navigation-timeout",
		});
		expect(pool.releases).toEqual([["lease-a", true]]);
	});

	it("should stop after the given number of dead sessions", async () => {
		const pool = new FakePool(["x", "y", "z"]);
		await expect(
			withLeasedBrowser({ pool, connect: connectNever, attempts: 2 }, request, async () => 1),
		).rejects.toMatchObject({
			code: "browser-unavailable",
		});
		expect(pool.releases).toEqual([
			["lease-x", false],
			["lease-y", false],
		]);
	});

	it("should pass on the pool's refusal", async () => {
		const pool = new FakePool([]);
		await expect(withLeasedBrowser({ pool, connect: connectFake }, request, async () => 1)).rejects.toMatchObject({
			code: "browser-unavailable",
			message: "pool empty",
		});
	});
});
