import type { Browser } from "@cloudflare/puppeteer";
import { describe, expect, it } from "vitest";
import { guardBrowser } from "../src/browser-guard";

type Paused = { requestId: string; request: { url: string } };

/** A browser whose browser-level CDP session records what is sent and lets a test pause requests. */
function fakeBrowser(options: { refuseSession?: boolean } = {}) {
	const sent: Array<[string, unknown]> = [];
	let onPaused: ((event: Paused) => void) | null = null;
	let detached = false;
	const session = {
		on(event: string, handler: (event: Paused) => void) {
			if (event === "Fetch.requestPaused") onPaused = handler;
		},
		async send(method: string, params: unknown) {
			sent.push([method, params]);
		},
		async detach() {
			detached = true;
		},
	};
	const browser = {
		target: () => ({
			createCDPSession: async () => {
				if (options.refuseSession) throw new Error("Protocol error: Target.attachToTarget not allowed");
				return session;
			},
		}),
	} as unknown as Browser;
	return {
		browser,
		sent,
		pause: (requestId: string, url: string) => onPaused?.({ requestId, request: { url } }),
		detached: () => detached,
	};
}

describe("guardBrowser", () => {
	it("should fail refused requests of any target and let the rest continue", async () => {
		const fake = fakeBrowser();
		const guard = await guardBrowser(fake.browser, { allowPrivate: false });
		fake.pause("popup", "http://127.0.0.1:8080/popup");
		fake.pause("worker", "http://169.254.169.254/latest/meta-data/");
		fake.pause("cdn", "https://cdn.example.com/app.js");
		await guard.release();

		expect(fake.sent).toEqual([
			["Fetch.enable", { patterns: [{ urlPattern: "*" }] }],
			["Fetch.failRequest", { requestId: "popup", errorReason: "BlockedByClient" }],
			["Fetch.failRequest", { requestId: "worker", errorReason: "BlockedByClient" }],
			["Fetch.continueRequest", { requestId: "cdn" }],
		]);
		expect(fake.detached()).toBe(true);
	});

	it("should let listed hosts through, and metadata never", async () => {
		const fake = fakeBrowser();
		await guardBrowser(fake.browser, { allowPrivate: true, allowedHosts: new Set(["127.0.0.1:8080"]) });
		fake.pause("listed", "http://127.0.0.1:8080/");
		fake.pause("metadata", "http://[fd00:ec2::254]/");

		expect(fake.sent.slice(1)).toEqual([
			["Fetch.continueRequest", { requestId: "listed" }],
			["Fetch.failRequest", { requestId: "metadata", errorReason: "BlockedByClient" }],
		]);
	});

	it("should go on without the browser-wide guard when the browser refuses a browser-level session", async () => {
		const fake = fakeBrowser({ refuseSession: true });
		const guard = await guardBrowser(fake.browser, { allowPrivate: false });
		await expect(guard.release()).resolves.toBeUndefined();
		expect(fake.sent).toEqual([]);
	});
});
