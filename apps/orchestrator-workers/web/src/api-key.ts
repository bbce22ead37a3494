/**
 * The API key the user gave, kept in sessionStorage (this tab only). Storage may be blocked by privacy
 * settings: then the page works without a key, and the next 401 asks again.
 */
import { byId } from "./dom";

const KEY_STORE = "orchestrator-api-key";

/** The key, or "". */
export function apiKey(): string {
	try {
		return sessionStorage.getItem(KEY_STORE) ?? "";
	} catch (_error) {
		return "";
	}
}

/** Keeps a key, or forgets it when `key` is "". */
export function setApiKey(key: string): void {
	try {
		if (key) sessionStorage.setItem(KEY_STORE, key);
		else sessionStorage.removeItem(KEY_STORE);
	} catch (_error) {
		// Storage blocked: the key cannot be kept (see above).
	}
}

/** `authorization` for a request, when there is a key. */
export const authHeaders = (): Record<string, string> => (apiKey() ? { authorization: `Bearer ${apiKey()}` } : {});

/** Opens the API key panel after a 401, once. */
export function askForKey(): void {
	const panel = byId("api-key-panel", HTMLDetailsElement);
	if (panel.open) return;
	panel.open = true;
	byId("api-key", HTMLInputElement).focus();
}
