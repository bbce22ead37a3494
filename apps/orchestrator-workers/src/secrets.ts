/**
 * Keeps the deployment's secrets out of everything the orchestrator stores, streams or logs.
 *
 * The model provider is the one party that receives a secret (`MODEL_API_KEY`, as a bearer token),
 * and providers echo it back: "Incorrect API key provided: sk-…" is a common 401 body. Such a
 * message becomes a run's error, which is written to the registry, sent as progress events, shown
 * by `GET /:id` and logged. So every provider answer is redacted as it arrives, before any of that.
 *
 * Only secrets of at least SECRET_MIN_CHARS characters are redacted. A short one ("k", "ollama",
 * "test", common for local servers that want any key) is also a piece of ordinary text: replacing it
 * would turn `"subtasks"` into `"subtas[redacted]s"` and break every answer. Such a secret is named in
 * one warning when the Worker starts, and answers are left alone. An answer that contains no secret
 * comes back byte for byte as the provider sent it.
 */
import { logEvent } from "./log";
import { workerVar } from "./worker-vars";

/** What a secret is replaced with. */
export const REDACTED = "[redacted]";

/** The Worker secrets whose values must never leave the Worker. */
export const SECRET_NAMES = ["API_KEY", "MODEL_API_KEY"] as const;

/** Secrets shorter than this are not redacted (see above); 8 is the shortest real API keys go. */
export const SECRET_MIN_CHARS = 8;

/**
 * Echoes are often cut short ("sk-abc123…"): a run of at least this many leading characters of a
 * secret is redacted too, as far as it matches. Shorter runs are too likely to be ordinary text.
 */
export const SECRET_PREFIX_CHARS = 8;

/** The configured secrets by name; unset and blank ones are left out. */
function configuredSecrets(env: object): { name: string; value: string }[] {
	return SECRET_NAMES.flatMap((name) => {
		const value = workerVar(env, name);
		return typeof value === "string" && value.trim() !== "" ? [{ name, value: value.trim() }] : [];
	});
}

/** The values of the configured secrets that are long enough to redact. */
export function secretsOf(env: object): string[] {
	return configuredSecrets(env)
		.filter((s) => s.value.length >= SECRET_MIN_CHARS)
		.map((s) => s.value);
}

/** Names of the configured secrets too short to redact. */
export function shortSecretNames(env: object): string[] {
	return configuredSecrets(env)
		.filter((s) => s.value.length < SECRET_MIN_CHARS)
		.map((s) => s.name);
}

let warned = false;

/**
 * Says once per isolate (the Worker's start-up) which secrets are too short to be redacted, so an
 * operator who relies on redaction learns that it does not cover them. The value is never logged.
 */
export function warnAboutShortSecrets(env: object): void {
	const names = shortSecretNames(env);
	if (warned || names.length === 0) return;
	warned = true;
	logEvent(
		{
			msg: `${names.join(" and ")} ${names.length === 1 ? "is" : "are"} shorter than ${SECRET_MIN_CHARS} characters: not redacted from model answers`,
			secrets: names,
		},
		"warn",
	);
}

/**
 * Replaces every occurrence of each secret in `text`, and every run of its first SECRET_PREFIX_CHARS
 * or more characters, with REDACTED. A secret written inside a JSON string (with `"` or `\` escaped)
 * is found too. Secrets shorter than SECRET_MIN_CHARS are skipped.
 */
export function redact(text: string, secrets: readonly string[]): string {
	let result = text;
	for (const secret of secrets) {
		if (secret.length < SECRET_MIN_CHARS) continue;
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
 * status: an error body echoing the key and a completion quoting it are both caught. A body without
 * a secret is passed on as the very bytes that arrived. Streams (`text/event-stream`) pass through
 * untouched; the orchestrator makes no streaming calls.
 */
export function redactingFetch(secrets: readonly string[], fetchImpl: typeof fetch = fetch): typeof fetch {
	const redacted = secrets.filter((s) => s.length >= SECRET_MIN_CHARS);
	if (redacted.length === 0) return fetchImpl;
	return async (input, init) => {
		const res = await fetchImpl(input, init);
		if (res.body === null || res.headers.get("content-type")?.includes("text/event-stream")) return res;
		const bytes = await res.arrayBuffer();
		const text = new TextDecoder().decode(bytes);
		const clean = redact(text, redacted);
		const headers = new Headers(res.headers);
		// The body was read (and decompressed), so its old length and encoding no longer describe it.
		headers.delete("content-length");
		headers.delete("content-encoding");
		// Decoding and re-encoding could alter bytes that are not UTF-8: only a body that held a secret is re-encoded.
		return new Response(clean === text ? bytes : clean, { status: res.status, statusText: res.statusText, headers });
	};
}
