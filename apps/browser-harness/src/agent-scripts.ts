/**
 * The agent's in-page scripts, as source text (a function passed to `evaluate` would be rewritten by
 * the bundler with helpers that do not exist in the page). Arguments are embedded as JSON. Each
 * script's result is checked with zod where it is used: the page can redefine what the scripts call.
 *
 * - `observeScript`: lists visible, enabled, interactive elements and marks each with a reference
 *   attribute (kept while the element lives; a copied attribute is replaced), plus the page's text.
 * - `prepareScript`: finds a referenced element and readies it for click, type, select or scroll,
 *   refusing what the page-side rules forbid.
 */
import { AGENT_LIMITS } from "@ow/schemas";
import { TEXT_INPUT_TYPES } from "./agent-rules";

/** Longest element name and value an observation carries. */
export const MAX_NAME_CHARS = 100;
export const MAX_VALUE_CHARS = 200;

/** Elements that can be interacted with; visibility and `disabled` are checked separately. */
const INTERACTIVE = [
	"a[href]",
	"area[href]",
	"button",
	"input:not([type=hidden])",
	"select",
	"textarea",
	"summary",
	"[contenteditable='']",
	"[contenteditable='true']",
	"[onclick]",
	...["button", "link", "checkbox", "radio", "switch", "tab", "menuitem", "option", "combobox", "textbox"].map(
		(role) => `[role=${role}]`,
	),
].join(",");

/** Shared helpers of the scripts: element lookup, visibility, accessible name and role, value. */
function helpers(attr: string): string {
	return `
	const ATTR = ${JSON.stringify(attr)};
	const clean = (s, max) => String(s == null ? "" : s).replace(/\\s+/g, " ").trim().slice(0, max);
	const visible = (el) => {
		const r = el.getBoundingClientRect();
		if (r.width < 1 || r.height < 1) return false;
		if (typeof el.checkVisibility === "function" && !el.checkVisibility({ visibilityProperty: true, opacityProperty: true })) return false;
		return !el.closest("[hidden], [inert], [aria-hidden=true]");
	};
	const typeOf = (el) => el.tagName === "INPUT" ? String(el.type || "text").toLowerCase() : null;
	const roleOf = (el) => {
		const explicit = clean(el.getAttribute("role"), 40).split(" ")[0];
		if (explicit) return explicit;
		const tag = el.tagName.toLowerCase();
		const type = typeOf(el);
		if (tag === "a" || tag === "area") return "link";
		if (tag === "button" || tag === "summary") return "button";
		if (tag === "select") return el.multiple ? "listbox" : "combobox";
		if (tag === "textarea" || el.isContentEditable) return "textbox";
		if (type === "checkbox" || type === "radio") return type;
		if (["submit", "button", "reset", "image"].includes(type)) return "button";
		if (type === "range") return "slider";
		if (type === "number") return "spinbutton";
		if (type === "search") return "searchbox";
		if (tag === "input") return "textbox";
		return "clickable";
	};
	const nameOf = (el) => {
		const aria = clean(el.getAttribute("aria-label"), ${MAX_NAME_CHARS});
		if (aria) return aria;
		const by = el.getAttribute("aria-labelledby");
		if (by) {
			const text = clean(by.split(/\\s+/).map((id) => document.getElementById(id)).filter(Boolean).map((n) => n.innerText || n.textContent).join(" "), ${MAX_NAME_CHARS});
			if (text) return text;
		}
		if (el.labels && el.labels.length > 0) {
			const text = clean(Array.from(el.labels).map((l) => l.innerText || l.textContent).join(" "), ${MAX_NAME_CHARS});
			if (text) return text;
		}
		const type = typeOf(el);
		if (["submit", "button", "reset"].includes(type)) return clean(el.value || type, ${MAX_NAME_CHARS});
		if (type === "image") return clean(el.alt || "image", ${MAX_NAME_CHARS});
		if (!["INPUT", "SELECT", "TEXTAREA"].includes(el.tagName)) {
			const text = clean(el.innerText || el.textContent, ${MAX_NAME_CHARS});
			if (text) return text;
			const img = el.querySelector("img[alt]");
			if (img && clean(img.alt, ${MAX_NAME_CHARS})) return clean(img.alt, ${MAX_NAME_CHARS});
		}
		return clean(el.getAttribute("placeholder") || el.getAttribute("title") || el.getAttribute("name"), ${MAX_NAME_CHARS});
	};
	const valueOf = (el) => {
		const type = typeOf(el);
		if (type === "password") return null;
		if (type === "checkbox" || type === "radio") return el.checked ? "checked" : "not checked";
		if (el.tagName === "SELECT") {
			const chosen = Array.from(el.selectedOptions).map((o) => clean(o.label, 60)).join(", ");
			const options = Array.from(el.options).slice(0, 25).map((o) => clean(o.label, 40)).join(" | ");
			return clean((chosen || "nothing chosen") + " (options: " + options + (el.options.length > 25 ? " | …" : "") + ")", ${MAX_VALUE_CHARS});
		}
		if (el.tagName === "TEXTAREA" || (el.tagName === "INPUT" && !["submit", "button", "reset", "image", "file"].includes(type))) {
			return el.value ? clean(el.value, ${MAX_VALUE_CHARS}) : null;
		}
		if (el.isContentEditable) return clean(el.innerText, ${MAX_VALUE_CHARS}) || null;
		return null;
	};
	const find = (ref) => {
		const all = document.querySelectorAll("[" + ATTR + '="' + ref + '"]');
		return all.length === 1 ? all[0] : null;
	};`;
}

/** Lists the page's interactive elements (refs from `e<nextRef>` on) and its text. */
export function observeScript(attr: string, nextRef: number): string {
	return `(() => {
	${helpers(attr)}
	let next = ${nextRef};
	const seen = new Set();
	const above = [];
	const rest = [];
	for (const el of document.querySelectorAll(${JSON.stringify(INTERACTIVE)})) {
		if (el.disabled || el.getAttribute("aria-disabled") === "true" || !visible(el)) continue;
		(el.getBoundingClientRect().bottom < 0 ? above : rest).push(el);
	}
	const elements = [];
	for (const el of rest.concat(above).slice(0, ${AGENT_LIMITS.maxElements})) {
		let ref = el.getAttribute(ATTR);
		if (!ref || !/^e\\d{1,6}$/.test(ref) || seen.has(ref)) {
			ref = "e" + next++;
			el.setAttribute(ATTR, ref);
		}
		seen.add(ref);
		elements.push({ ref, role: roleOf(el), name: nameOf(el), tag: el.tagName.toLowerCase(), inputType: typeOf(el), value: valueOf(el) });
	}
	const body = document.body;
	const text = body ? String(body.innerText || "") : "";
	return { title: String(document.title || ""), elements, text: text.slice(0, ${AGENT_LIMITS.maxTextChars + 2_000}), totalChars: text.length, nextRef: next };
})()`;
}

/** What `prepareScript` gets an element ready for. */
export type Preparation =
	| { op: "click" }
	| { op: "type" }
	| { op: "select"; option: string }
	| { op: "scroll"; up: boolean };

/**
 * Finds `ref` (null: the window, for scroll) and readies it: for click, links and forms lose their
 * `target` (a new window would escape the page we watch) and `download` links are refused; for
 * type, the field is checked (no password fields), focused and its content selected so typing
 * replaces it; select picks the option and fires input and change; scroll scrolls.
 * Returns `{ok, reason}`; `reason` says what was done or why not.
 */
export function prepareScript(attr: string, ref: string | null, preparation: Preparation): string {
	return `(() => {
	${helpers(attr)}
	const P = ${JSON.stringify(preparation)};
	const REF = ${JSON.stringify(ref)};
	if (P.op === "scroll" && REF === null) {
		window.scrollBy(0, (P.up ? -1 : 1) * Math.round(window.innerHeight * 0.8));
		return { ok: true, reason: "scrolled to " + Math.round(window.scrollY) + " of " + document.documentElement.scrollHeight + " px" };
	}
	const el = find(REF);
	if (!el) return { ok: false, reason: REF + " is no longer on the page; pick from the current element list" };
	el.scrollIntoView({ block: "center", inline: "center" });
	if (P.op === "scroll") return { ok: true, reason: "scrolled to " + REF };
	if (!visible(el)) return { ok: false, reason: REF + " is not visible" };
	if (el.disabled) return { ok: false, reason: REF + " is disabled" };
	if (P.op === "click") {
		const link = el.closest("a[href], area[href]");
		if (link && link.hasAttribute("download")) return { ok: false, reason: REF + " is a download link; downloads are not allowed" };
		if (typeOf(el) === "file") return { ok: false, reason: "file uploads are not supported" };
		if (link) link.removeAttribute("target");
		const form = el.form || el.closest("form");
		if (form) form.removeAttribute("target");
		el.removeAttribute("formtarget");
		return { ok: true, reason: null };
	}
	if (P.op === "type") {
		const type = typeOf(el);
		const autocomplete = String(el.getAttribute("autocomplete") || "").toLowerCase();
		if (type === "password" || autocomplete.includes("password")) return { ok: false, reason: REF + " is a password field; typing into password fields is not allowed" };
		if (el.tagName === "INPUT" && !${JSON.stringify([...TEXT_INPUT_TYPES])}.includes(type)) return { ok: false, reason: REF + " is an input of type " + type + ", not a text field" };
		if (el.tagName !== "INPUT" && el.tagName !== "TEXTAREA" && !el.isContentEditable) return { ok: false, reason: REF + " is not a text field" };
		if (el.readOnly) return { ok: false, reason: REF + " is read-only" };
		el.focus();
		if (el.isContentEditable) {
			const range = document.createRange();
			range.selectNodeContents(el);
			const selection = window.getSelection();
			selection.removeAllRanges();
			selection.addRange(range);
		} else {
			el.select();
		}
		return document.activeElement === el ? { ok: true, reason: null } : { ok: false, reason: REF + " could not be focused" };
	}
	if (el.tagName !== "SELECT") return { ok: false, reason: REF + " is not a drop-down (select)" };
	const want = String(P.option).trim();
	const options = Array.from(el.options);
	const match = options.find((o) => o.label.trim() === want || o.value === want) || options.find((o) => o.label.trim().toLowerCase() === want.toLowerCase());
	if (!match) return { ok: false, reason: "no option of " + REF + " matches " + JSON.stringify(want.slice(0, 80)) + "; its options are listed in its value" };
	if (match.disabled) return { ok: false, reason: "that option of " + REF + " is disabled" };
	if (el.multiple) match.selected = true; else el.value = match.value;
	el.dispatchEvent(new Event("input", { bubbles: true }));
	el.dispatchEvent(new Event("change", { bubbles: true }));
	return { ok: true, reason: "selected " + JSON.stringify(clean(match.label, 80)) };
})()`;
}
