/**
 * Keeps the deployment's secrets out of everything the orchestrator stores, streams or logs.
 *
 * The model provider is the one party that receives a secret (`MODEL_API_KEY`, as a bearer token),
 * and providers echo it back: "Incorrect API key provided: sk-…" is a common 401 body. Such a
 * message becomes a run's error, which is written to the registry, sent as progress events, shown
 * by `GET /:id` and logged. So every provider answer is redacted as it arrives, before any of that.
 */

/** What a secret is replaced with. */
export const REDACTED = "[redacted]";

/** The Worker secrets whose values must never leave the Worker. */
export const SECRET_NAMES = ["API_KEY", "MODEL_API_KEY"] as const;

/**
 * Echoes are often cut short ("sk-abc123…"): a run of at least this many leading characters of a
 * secret is redacted too, as far as it matches. Shorter runs are too likely to be ordinary text.
 */
export const SECRET_PREFIX_CHARS = 8;

/** The values of the configured secrets; unset and blank ones are left out. */
export function secretsOf(env: object): string[] {
	const vars = env as Partial<Record<(typeof SECRET_NAMES)[number], unknown>>;
	return SECRET_NAMES.map((name) => vars[name])
		.filter((value): value is string => typeof value === "string" && value.trim() !== "")
		.map((value) => value.trim());
}

/**
 * Replaces every occurrence of each secret in `text`, and every run of its first SECRET_PREFIX_CHARS
 * or more characters, with REDACTED. A secret written inside a JSON string (with `"` or `\` escaped)
 * is found too.
 */
export function redact(text: string, secrets: readonly string[]): string {
	let result = text;
	for (const secret of secrets) {
		for (const form of new Set([secret, JSON.stringify(secret).slice(1, -1)])) {
			result = redactPrefixes(result.replaceAll(form, REDACTED), form);
		}
	}
	return result;
}

/** Redacts each run of `secret`'s leading characters that is at least SECRET_PREFIX_CHARS long. */
function redactPrefixes(text: string, secret: string): string {
	if (secret.length <= SECRET_PREFIX_CHARS) return text;
	const start = secret.slice(0, SECRET_PREFIX_CHARS);
	let result = "";
	let from = 0;
	for (let at = text.indexOf(start); at !== -1; at = text.indexOf(start, from)) {
		let end = at + SECRET_PREFIX_CHARS;
		while (end < text.length && end - at < secret.length && text[end] === secret[end - at]) end += 1;
		result += text.slice(from, at) + REDACTED;
		from = end;
	}
	return result + text.slice(from);
}

/**
 * Wraps a `fetch` so that every answer's body comes back with the secrets redacted, whatever its
 * status: an error body echoing the key and a completion quoting it are both caught. Streams
 * (`text/event-stream`) pass through untouched; the orchestrator makes no streaming calls.
 */
export function redactingFetch(secrets: readonly string[], fetchImpl: typeof fetch = fetch): typeof fetch {
	if (secrets.length === 0) return fetchImpl;
	return async (input, init) => {
		const res = await fetchImpl(input, init);
		if (res.body === null || res.headers.get("content-type")?.includes("text/event-stream")) return res;
		const headers = new Headers(res.headers);
		// The body is re-encoded, so its old length and encoding no longer describe it.
		headers.delete("content-length");
		headers.delete("content-encoding");
		return new Response(redact(await res.text(), secrets), { status: res.status, statusText: res.statusText, headers });
	};
}
