/**
 * Browser JavaScript, part 1 of 4: DOM and API helpers the other parts share. Plain script text (no
 * build step), joined with the other parts into `/ui/app.js` by `./assets`.
 *
 * Written in `String.raw` so backslashes reach the browser unchanged; the code itself uses no
 * template literals, which keeps `${` out of it.
 */

/** Helpers: `$`, `h` (element builder), `api` (JSON fetch that throws ApiError), errors and announcements. */
export const CLIENT_CORE = String.raw`
const TERMINAL = ["complete", "errored", "terminated"];
const SUBTASK_RANK = { pending: 0, running: 1, succeeded: 2, failed: 2, skipped: 2 };
const isTerminal = (status) => TERMINAL.includes(status);
const $ = (id) => document.getElementById(id);

/** Builds an element: attrs (text, className, on<event>, or attributes), then children. */
function h(tag, attrs, children) {
	const node = document.createElement(tag);
	for (const [key, value] of Object.entries(attrs || {})) {
		if (value === null || value === undefined || value === false) continue;
		if (key === "text") node.textContent = String(value);
		else if (key === "className") node.className = value;
		else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
		else node.setAttribute(key, value === true ? "" : String(value));
	}
	for (const child of children || []) {
		if (child !== null && child !== undefined && child !== false) node.append(child);
	}
	return node;
}

/** An error answered by the API ({error: {code, message, details?}}), or a network failure (status 0). */
class ApiError extends Error {
	constructor(status, code, message, details) {
		super(message);
		this.name = "ApiError";
		this.status = status;
		this.code = code;
		this.details = details;
	}
}

const KEY_STORE = "orchestrator-api-key";

/** The API key the user gave (sessionStorage: this tab only), or "". */
function apiKey() {
	try {
		return sessionStorage.getItem(KEY_STORE) || "";
	} catch (_error) {
		return ""; // storage blocked (privacy settings): the page works without a key
	}
}

function setApiKey(key) {
	try {
		if (key) sessionStorage.setItem(KEY_STORE, key);
		else sessionStorage.removeItem(KEY_STORE);
	} catch (_error) {
		// storage blocked: the key cannot be kept, and the next 401 asks again
	}
}

/** Opens the API key panel after a 401, once. */
function askForKey() {
	const panel = $("api-key-panel");
	if (panel.open) return;
	panel.open = true;
	$("api-key").focus();
}

/** Calls the API with an optional JSON body; resolves with the JSON answer, or throws ApiError. */
async function api(method, path, body) {
	const init = { method, headers: { accept: "application/json" } };
	if (apiKey()) init.headers.authorization = "Bearer " + apiKey();
	if (body !== undefined) {
		init.headers["content-type"] = "application/json";
		init.body = JSON.stringify(body);
	}
	let res;
	try {
		res = await fetch(path, init);
	} catch (error) {
		throw new ApiError(0, "network", "The server could not be reached (" + error.message + ").");
	}
	const text = await res.text();
	let json = null;
	try {
		json = text ? JSON.parse(text) : null;
	} catch (_error) {
		// Not JSON (a proxy's error page, say): the status line below describes the failure.
	}
	if (!res.ok) {
		if (res.status === 401) askForKey();
		const error = json && json.error;
		const message = error && error.message ? error.message : "HTTP " + res.status + " " + res.statusText;
		throw new ApiError(res.status, error ? error.code : "http-" + res.status, message, error && error.details);
	}
	return json;
}

/** Shows an error (an ApiError, an Error or a string) in an alert box, with zod issues as a list. */
function showError(box, error) {
	box.replaceChildren();
	const message = typeof error === "string" ? error : error.message;
	const code = error instanceof ApiError && error.status ? " (" + error.code + ", HTTP " + error.status + ")" : "";
	box.append(h("p", { text: message + code }));
	const details = error instanceof ApiError && Array.isArray(error.details) ? error.details : [];
	const issues = details.filter((d) => d && typeof d.message === "string");
	if (issues.length > 0) {
		box.append(h("ul", {}, issues.map((d) => h("li", { text: (d.path ? d.path + ": " : "") + d.message }))));
	}
	box.hidden = false;
}

function hideError(box) {
	box.hidden = true;
	box.replaceChildren();
}

/** Says something to screen readers through the polite live region. */
function announce(text) {
	$("announcer").textContent = text;
}

/** Sets a status badge: its text and a status-<state> class (colour repeats the text, never replaces it). */
function setStatus(node, status) {
	node.textContent = status;
	node.className = node.className.replace(/\bstatus-\S+/g, "").trim() + " status-" + status;
}

/** An http(s) URL as a link that opens in a new tab; anything else as plain text. */
function urlLink(url) {
	if (!/^https?:\/\//i.test(url)) return document.createTextNode(url);
	return h("a", { href: url, target: "_blank", rel: "noopener noreferrer", text: url });
}

function formatTime(iso) {
	const date = new Date(iso);
	return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}
`;
