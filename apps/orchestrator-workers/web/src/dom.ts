/**
 * The page's tiny view helpers: typed element lookup, an element builder, status badges, links and
 * the screen-reader announcer. No framework: the page is a handful of panels updated in place.
 */

/** The element with `id`, checked to be of `type`: a renamed id fails at start-up, not at first use. */
export function byId<T extends HTMLElement>(id: string, type: { new (): T; prototype: T }): T {
	const node = document.getElementById(id);
	if (!(node instanceof type)) throw new Error(`The page has no ${type.name} #${id}.`);
	return node;
}

/** Attributes of `h`: `text` sets the text, `className` the class; false, null and undefined are left out. */
export type Attrs = Record<string, string | boolean | null | undefined>;
/** Children of `h`: nodes and strings; false, null and undefined are left out. */
export type Child = Node | string | false | null | undefined;

/** Builds an element from attributes and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
	tag: K,
	attrs: Attrs = {},
	children: readonly Child[] = [],
): HTMLElementTagNameMap[K] {
	const node = document.createElement(tag);
	for (const [key, value] of Object.entries(attrs)) {
		if (value === null || value === undefined || value === false) continue;
		if (key === "text") node.textContent = String(value);
		else if (key === "className") node.className = String(value);
		else node.setAttribute(key, value === true ? "" : value);
	}
	for (const child of children) if (child !== null && child !== undefined && child !== false) node.append(child);
	return node;
}

/** Sets a status badge: its text and a `status-<state>` class (colour repeats the text, never replaces it). */
export function setStatus(node: HTMLElement, status: string): void {
	node.textContent = status;
	node.className = `${node.className.replace(/\bstatus-\S+/g, "").trim()} status-${status}`;
}

/** An http(s) URL as a link that opens in a new tab; anything else as plain text. */
export function urlLink(url: string): Node {
	if (!/^https?:\/\//i.test(url)) return document.createTextNode(url);
	return h("a", { href: url, target: "_blank", rel: "noopener noreferrer", text: url });
}

/** Says something to screen readers through the polite live region. */
export function announce(text: string): void {
	byId("announcer", HTMLElement).textContent = text;
}
