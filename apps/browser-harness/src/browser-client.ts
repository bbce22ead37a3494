/**
 * The harness's side of Browser Rendering: launching and closing sessions over the binding's HTTP
 * API (used by the pool DO), and connecting to a pooled session over its WebSocket (used by the
 * Worker for each browse).
 *
 * The binding is typed by its shape, not as `BrowserRun` or `Fetcher`, so that both binding types
 * fit and tests can pass a fake that records the requests it gets.
 * @see https://developers.cloudflare.com/browser-rendering/workers-bindings/reuse-sessions/
 */
import { acquire, connect, type Browser } from "@cloudflare/puppeteer";
import { BrowserHarnessError } from "./errors";
import type { SessionDriver } from "./pool-types";

/** The Browser Rendering binding as the harness uses it. */
export interface BrowserBinding {
	fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
}

/** Same host `@cloudflare/puppeteer` uses: the binding ignores it and routes by path. */
const API_HOST = "https://fake.host";

/** How `createSessionDriver` launches. */
export interface SessionDriverOptions {
	/** Browser Rendering closes a session after this long without DevTools traffic (10 s to 10 min). */
	keepAliveMs: number;
	/** Launch attempts on 429 (new-browsers-per-second or concurrency limit) before giving up. */
	launchAttempts?: number;
	/** First backoff after a 429; doubles each retry. */
	launchBackoffMs?: number;
	/** Waits; tests pass one that records instead of sleeping. */
	sleep?: (ms: number) => Promise<void>;
}

/**
 * The pool's driver over a Browser Rendering binding. `launch` acquires a session with keep-alive
 * (no WebSocket: the Worker connects later) and retries a 429 with exponential backoff, bounded by
 * `launchAttempts`, then fails with `browser-unavailable`. `close` deletes the session.
 */
export function createSessionDriver(binding: BrowserBinding, options: SessionDriverOptions): SessionDriver {
	const attempts = options.launchAttempts ?? 4;
	const backoffMs = options.launchBackoffMs ?? 1_000;
	const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
	return {
		async launch() {
			for (let attempt = 1; ; attempt++) {
				try {
					const { sessionId } = await acquire(binding, { keep_alive: options.keepAliveMs });
					return sessionId;
				} catch (error) {
					const failure = BrowserHarnessError.fromUnknown(error);
					if (failure.code !== "rate-limited") throw failure;
					if (attempt >= attempts) {
						const message = `Browser Rendering refused new sessions (429) ${attempts} times in a row; try again later`;
						throw new BrowserHarnessError("browser-unavailable", message, { cause: error });
					}
					await sleep(backoffMs * 2 ** (attempt - 1));
				}
			}
		},
		async close(sessionId) {
			const response = await binding.fetch(`${API_HOST}/v1/devtools/browser/${encodeURIComponent(sessionId)}`, {
				method: "DELETE",
			});
			if (!response.ok && response.status !== 404)
				throw await BrowserHarnessError.fromResponse(response, "closing a session");
			await response.body?.cancel();
		},
	};
}

/** Limits of `connectSession`. */
export interface ConnectOptions {
	/** Longest wait for the WebSocket and the first DevTools answer. */
	connectTimeoutMs?: number;
	/** Longest wait for the health probe (`Browser.getVersion`). */
	probeTimeoutMs?: number;
}

/**
 * Connects to a pooled session and checks it answers. A session that cannot be connected to, or
 * whose probe times out, is `session-lost`: the caller gives it back as unhealthy and the pool
 * replaces it. Call `browser.disconnect()` when done, never `close()`: the session stays in the pool.
 */
export async function connectSession(
	binding: BrowserBinding,
	sessionId: string,
	options: ConnectOptions = {},
): Promise<Browser> {
	const connecting = connect(binding, sessionId);
	let browser: Browser;
	try {
		browser = await withTimeout(connecting, options.connectTimeoutMs ?? 10_000, "connecting to the session");
	} catch (error) {
		// A connect that completes after we gave up must not leave its WebSocket open; one that fails
		// late has nothing to close, so its error is dropped.
		connecting.then((late) => late.disconnect()).catch(() => undefined);
		throw new BrowserHarnessError("session-lost", `session ${sessionId} could not be connected to`, { cause: error });
	}
	try {
		await withTimeout(browser.version(), options.probeTimeoutMs ?? 5_000, "probing the session");
		return browser;
	} catch (error) {
		await browser.disconnect();
		throw new BrowserHarnessError("session-lost", `session ${sessionId} did not answer its health probe`, {
			cause: error,
		});
	}
}

/** Rejects with a `TimeoutError`-named error when `promise` takes longer than `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	const timeout = new Promise<never>((_resolve, reject) => {
		timer = setTimeout(() => {
			const error = new Error(`${what} timed out after ${ms} ms`);
			error.name = "TimeoutError";
			reject(error);
		}, ms);
	});
	try {
		return await Promise.race([promise, timeout]);
	} finally {
		clearTimeout(timer);
	}
}
