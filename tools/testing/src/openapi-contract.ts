/**
 * The contract check: every answer the end-to-end helpers receive from the orchestrator must be one
 * its OpenAPI document describes (the committed libs/client/openapi.json, which the CLI end-to-end
 * test keeps equal to the served one). For an operation of the document, the status must be one of
 * its responses and the body must match that response's media type and, for JSON, its schema. A
 * method or path the document does not have may only answer the API's 404 or 405 error envelope.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { REPO_ROOT } from "./wrangler-dev.ts";

type Schema = Record<string, unknown>;
interface MediaType {
	schema?: Schema;
}
interface ResponseSpec {
	content?: Record<string, MediaType>;
}
interface OpenApiDocument {
	paths: Record<string, Record<string, { responses: Record<string, ResponseSpec> }>>;
	components: { schemas: Record<string, Schema> };
}

/** Checks one answer; throws with what is wrong when the document does not describe it. */
export type ContractCheck = (method: string, url: string, response: Response) => Promise<void>;

/** The committed document of the API. */
export function committedOpenApiDocument(): OpenApiDocument {
	return JSON.parse(readFileSync(path.join(REPO_ROOT, "libs/client/openapi.json"), "utf8")) as OpenApiDocument;
}

export function createContractCheck(document: OpenApiDocument = committedOpenApiDocument()): ContractCheck {
	const validatorOf = schemaValidators(document);
	const templates = Object.keys(document.paths).map((template) => ({ template, ...matchers(template) }));

	return async (method, url, response) => {
		const where = `${method.toUpperCase()} ${new URL(url).pathname} answered ${response.status}`;
		const pathname = new URL(url).pathname;
		// The path item first, fixed paths before templates, as the app routes; then the method within it.
		const item =
			templates.find((t) => t.template === pathname) ??
			templates.find((t) => t.strict.test(pathname)) ??
			templates
				.filter((t) => t.loose.test(pathname))
				.toSorted((x, y) => literalLength(y.template) - literalLength(x.template))[0];
		// HEAD is answered as GET without the body.
		const documented = method.toUpperCase() === "HEAD" ? "get" : method.toLowerCase();
		const found = item && document.paths[item.template]?.[documented] ? item : undefined;
		if (!found) {
			if (response.status !== 404 && response.status !== 405)
				throw new Error(`${where}: the document has no such operation, so only a 404 or 405 error may answer it`);
			return checkJson(where, response, document.components.schemas.ApiError!, validatorOf);
		}
		const operation = document.paths[found.template]![documented]!;
		const spec = operation.responses[String(response.status)] ?? operation.responses.default;
		if (!spec) throw new Error(`${where}: the document lists no such status for ${found.template}`);
		const bodyless = [101, 204, 304].includes(response.status) || method.toUpperCase() === "HEAD";
		if (!spec.content || bodyless) return;
		const type = (response.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
		const media = Object.entries(spec.content).find(([declared]) => mediaMatches(declared, type));
		if (!media)
			throw new Error(`${where} with ${type || "no content type"}, not ${Object.keys(spec.content).join(", ")}`);
		if (type === "application/json" && media[1].schema) await checkJson(where, response, media[1].schema, validatorOf);
	};
}

/** A fetch that passes every answer through `check` before handing it over. */
export function checkedFetch(check: ContractCheck, fetchImpl: typeof fetch = globalThis.fetch): typeof fetch {
	return async (input, init) => {
		const request = new Request(input, init);
		const response = await fetchImpl(request);
		await check(request.method, request.url, response);
		return response;
	};
}

/**
 * Checks the data of one event of `GET /{id}/events` against the schema the document names for it
 * (`x-event-data-schema` of the stream's 200 answer); throws when it does not match.
 */
export function createEventDataCheck(document: OpenApiDocument = committedOpenApiDocument()): (data: unknown) => void {
	const validatorOf = schemaValidators(document);
	const stream = document.paths["/{id}/events"]?.get?.responses["200"] as Record<string, unknown> | undefined;
	const schema = stream?.["x-event-data-schema"] as Schema | undefined;
	if (!schema) throw new Error("The document names no schema for the data of GET /{id}/events.");
	return (data) => {
		const validate = validatorOf(schema);
		if (!validate(data))
			throw new Error(
				`An event the document does not describe: ${problemsOf(validate)}\n${JSON.stringify(data).slice(0, 500)}`,
			);
	};
}

let shared: ContractCheck | undefined;
let sharedEvents: ((data: unknown) => void) | undefined;

/** The event data check on the committed document (compiled once per process). */
export const checkEventData = (data: unknown): void => {
	sharedEvents ??= createEventDataCheck();
	sharedEvents(data);
};

/**
 * `fetch` for the orchestrator's API in tests: every answer is checked against the committed document
 * (compiled once per process, at the first call).
 */
export const apiFetch: typeof fetch = (input, init) => {
	shared ??= createContractCheck();
	return checkedFetch(shared)(input, init);
};

async function checkJson(
	where: string,
	response: Response,
	schema: Schema,
	validatorOf: (schema: Schema) => ValidateFunction,
): Promise<void> {
	let body: unknown;
	try {
		body = await response.clone().json();
	} catch (error) {
		throw new Error(`${where} with a body that is not JSON: ${String(error)}`, { cause: error });
	}
	const validate = validatorOf(schema);
	if (!validate(body)) {
		const problems = (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}`).join("; ");
		throw new Error(
			`${where} with a body the document does not describe: ${problems}\n${JSON.stringify(body).slice(0, 500)}`,
		);
	}
}

/** Validators of schemas of `document`, compiled once each. */
function schemaValidators(document: OpenApiDocument): (schema: Schema) => ValidateFunction {
	const ajv = new Ajv2020({ strict: false, allErrors: true });
	addFormats.default(ajv);
	const validators = new Map<Schema, ValidateFunction>();
	// Each schema is compiled beside the document's components, so its `#/components/schemas/…` refs resolve.
	return (schema) => {
		let validate = validators.get(schema);
		if (!validate) {
			validate = ajv.compile({ ...schema, components: document.components });
			validators.set(schema, validate);
		}
		return validate;
	};
}

const problemsOf = (validate: ValidateFunction) =>
	(validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}`).join("; ");

/** `{param}` matches one segment; the loose form lets a trailing one span `/` (artifact keys). */
function matchers(template: string) {
	const escaped = template.split(/\{[^}]+\}/).map((part) => part.replace(/[.*+?^$()|[\]\\]/g, "\\$&"));
	const params = template.match(/\{[^}]+\}/g) ?? [];
	const build = (param: string) =>
		new RegExp(`^${escaped.map((p, i) => p + (i < params.length ? param : "")).join("")}$`);
	return { strict: build("[^/]+"), loose: build(".+") };
}

/** How much of a template is fixed text: the more, the more specific. */
const literalLength = (template: string) => template.replace(/\{[^}]+\}/g, "").length;

function mediaMatches(declared: string, actual: string): boolean {
	const base = declared.split(";")[0]!.trim().toLowerCase();
	return base === actual || (base.endsWith("/*") && actual.startsWith(base.slice(0, -1)));
}
