/**
 * The URL policy for every target of a leased browser, not only the page a browse opened: popups
 * (`window.open`, `target=_blank` forms), shared workers and service workers make requests that
 * the page's own request interception never sees. A browser-level Fetch session pauses every
 * request in the browser; refused ones fail, the rest continue. The page reader's own guard still
 * decides the browse's outcome (a refused main-frame navigation is `url-refused`); this one only
 * makes sure nothing else gets through.
 *
 * Known gap: Chromium's Fetch domain does not see WebSocket handshakes, so a page's script can still
 * open a WebSocket to a private address.
 */
import type { Browser, CDPSession } from "@cloudflare/puppeteer";
import { decideRequest, type UrlPolicy } from "./url-safety";

/** A running browser-wide guard; `release` ends it once the browse's context is closed. */
export interface BrowserGuard {
	release(): Promise<void>;
}

/**
 * Starts guarding every request of `browser`. A session is lent to one browse at a time, so the
 * guard sees only this browse's traffic. When the browser refuses a browser-level session, the
 * browse goes on with the page guard alone (and says so in the log) rather than failing every
 * browse of the deployment.
 */
export async function guardBrowser(browser: Browser, policy: UrlPolicy): Promise<BrowserGuard> {
	let session: CDPSession;
	try {
		session = await browser.target().createCDPSession();
		session.on("Fetch.requestPaused", (event) => {
			const { requestId, request } = event;
			const decision = decideRequest(request.url, false, policy);
			const answer =
				decision.action === "continue"
					? session.send("Fetch.continueRequest", { requestId })
					: session.send("Fetch.failRequest", { requestId, errorReason: "BlockedByClient" });
			answer.catch((error: unknown) => {
				// The target closed while its request was paused: there is nothing left to answer.
				console.warn(JSON.stringify({ msg: "browser guard could not answer", error: String(error) }));
			});
		});
		await session.send("Fetch.enable", { patterns: [{ urlPattern: "*" }] });
	} catch (error) {
		console.warn(JSON.stringify({ msg: "browser-wide request guard unavailable", error: String(error) }));
		return { release: async () => undefined };
	}
	return {
		async release() {
			await session.detach().catch((error: unknown) => {
				// The connection is already gone, and the session with it.
				console.warn(JSON.stringify({ msg: "browser guard did not detach", error: String(error) }));
			});
		},
	};
}
