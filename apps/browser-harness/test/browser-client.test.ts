import { describe, expect, it } from "vitest";
import { createSessionDriver, type BrowserBinding } from "../src/browser-client";

/** A Browser Rendering binding that records requests and answers from a script. */
class FakeBinding implements BrowserBinding {
	readonly requests: string[] = [];
	constructor(private readonly answers: Array<() => Response>) {}

	async fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
		const url = new URL(input instanceof Request ? input.url : input.toString());
		this.requests.push(`${init?.method ?? "GET"} ${url.pathname}${url.search}`);
		const answer = this.answers.shift();
		return answer ? answer() : new Response("no more answers", { status: 500 });
	}
}

const session = (id: string) => () => Response.json({ sessionId: id });
const tooMany = () => new Response("Rate limit exceeded", { status: 429 });

function driverFor(binding: FakeBinding, sleeps: number[]) {
	return createSessionDriver(binding, {
		keepAliveMs: 120_000,
		launchAttempts: 3,
		launchBackoffMs: 100,
		sleep: async (ms) => void sleeps.push(ms),
	});
}

describe("createSessionDriver", () => {
	it("should acquire a session with keep-alive", async () => {
		const binding = new FakeBinding([session("abc")]);
		await expect(driverFor(binding, []).launch()).resolves.toBe("abc");
		expect(binding.requests).toEqual(["POST /v1/devtools/browser?keep_alive=120000"]);
	});

	it("should back off and retry a 429 on launch", async () => {
		const sleeps: number[] = [];
		const binding = new FakeBinding([tooMany, tooMany, session("late")]);
		await expect(driverFor(binding, sleeps).launch()).resolves.toBe("late");
		expect(binding.requests).toHaveLength(3);
		expect(sleeps).toEqual([100, 200]);
	});

	it("should give up with browser-unavailable when the 429s do not stop", async () => {
		const sleeps: number[] = [];
		const binding = new FakeBinding([tooMany, tooMany, tooMany, session("never")]);
		await expect(driverFor(binding, sleeps).launch()).rejects.toMatchObject({
			code: "browser-unavailable",
			recoverable: true,
		});
		expect(binding.requests).toHaveLength(3);
		expect(sleeps).toEqual([100, 200]);
	});

	it("should not retry other launch failures", async () => {
		const binding = new FakeBinding([() => new Response("boom", { status: 500 })]);
		await expect(driverFor(binding, []).launch()).rejects.toMatchObject({ code: "browser-unavailable" });
		expect(binding.requests).toHaveLength(1);
	});

	it("should close a session with DELETE and accept one already gone", async () => {
		const binding = new FakeBinding([
			() => Response.json({ status: "closed" }),
			() => new Response("gone", { status: 404 }),
		]);
		const driver = driverFor(binding, []);
		await driver.close("s-1");
		await driver.close("s-2");
		expect(binding.requests).toEqual(["DELETE /v1/devtools/browser/s-1", "DELETE /v1/devtools/browser/s-2"]);
	});
});
