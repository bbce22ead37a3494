/**
 * The OpenAPI 3.1 document of the HTTP API (`GET /openapi.json`), generated from the app's routes by
 * hono-openapi: each route carries its description (`operation({...})`, ./operation.ts) next to its
 * handler. This module adds what is the API's as a whole: info, servers, tags, the component schemas
 * (converted from the zod schemas that validate requests) and the path parameters, described by name.
 *
 * @see https://spec.openapis.org/oas/v3.1.1.html
 */
import type { Hono } from "hono";
import { generateSpecs } from "hono-openapi";
import type { AppEnv } from "../http/app-env";
import { RUN_ID_PATTERN } from "../runs/run-id";
import { SCHEDULE_ID_PATTERN } from "../schedules/schedule-store";
import { componentSchemas } from "./components";

/** The document's JSON shape, as far as this module and its tests use it. */
export interface OpenApiDocument {
	openapi: "3.1.1";
	info: { title: string; version: string; description: string };
	servers: { url: string; description: string }[];
	paths: Record<string, Record<string, OpenApiOperation>>;
	components: {
		schemas: Record<string, Record<string, unknown>>;
		securitySchemes: Record<string, Record<string, unknown>>;
	};
	security: Record<string, string[]>[];
	tags: { name: string; description: string }[];
}

/** One operation object of the document. */
export interface OpenApiOperation {
	operationId: string;
	summary: string;
	description?: string;
	tags: string[];
	parameters?: Record<string, unknown>[];
	requestBody?: { required: true; content: Record<string, { schema: Record<string, unknown> }> };
	responses: Record<string, Record<string, unknown>>;
	security?: [];
}

/** The version of the API the document describes. */
export const API_VERSION = "1.0.0";

const DESCRIPTION = `A durable LLM planner/executor: POST a prompt, a Workflow plans subtasks, runs them (small model or \
browser), and synthesises the answer. Errors are JSON \`{error: {code, message, details?}}\`. A method a path does not \
allow answers 405 with an \`Allow\` header. Token counts a provider did not report are \`null\` (unknown), never 0.`;

/** Path parameters, by name. */
const PATH_PARAMETERS: Record<string, Record<string, unknown>> = {
	id: { description: "The run id.", schema: { type: "string", pattern: RUN_ID_PATTERN.source } },
	key: { description: "An artifact key from the run's status.", schema: { type: "string" } },
	scheduleId: { description: "The schedule id.", schema: { type: "string", pattern: SCHEDULE_ID_PATTERN.source } },
};

const TAGS: OpenApiDocument["tags"] = [
	{ name: "runs", description: "Start runs and read them." },
	{ name: "lifecycle", description: "Cancel, pause, resume, restart, approve the plan." },
	{ name: "events", description: "Live progress." },
	{ name: "schedules", description: "Recurring runs: a prompt started at each tick of a cron expression." },
	{ name: "browser", description: "The browser harness: session pool and stored screenshots." },
	{ name: "operations", description: "Liveness, metrics, the admission switch, this document." },
	{ name: "pages", description: "Web pages; they hold no data and need no key." },
];

const INFO: OpenApiDocument["info"] = { title: "orchestrator-workers", version: API_VERSION, description: DESCRIPTION };

/** The API is served at the root of whatever origin serves the document. */
const SERVERS: OpenApiDocument["servers"] = [{ url: "/", description: "This deployment." }];

const COMPONENTS = (): OpenApiDocument["components"] => ({
	schemas: componentSchemas(),
	securitySchemes: {
		bearer: {
			type: "http",
			scheme: "bearer",
			description:
				"The deployment's API_KEY secret; needed only when it is set. GET /{id}/events also takes it as ?access_token=.",
		},
	},
});

const built = new WeakMap<object, Promise<OpenApiDocument>>();

/** The document of `app`; built once per app (it depends on code only). */
export function openApiDocument(app: Hono<AppEnv>): Promise<OpenApiDocument> {
	let document = built.get(app);
	if (!document) {
		document = buildOpenApiDocument(app);
		built.set(app, document);
	}
	return document;
}

/** Generates the document from `app`'s routes: every route with an `operation({...})` is an operation. */
export async function buildOpenApiDocument(app: Hono<AppEnv>): Promise<OpenApiDocument> {
	const generated = await generateSpecs(app, {
		documentation: { openapi: "3.1.1", info: INFO },
		// `/openapi.json`, `/docs/docs.js`, `/ui/app.css`… are operations of this API, not static files to leave out.
		excludeStaticFile: false,
	});
	const paths = generated.paths as OpenApiDocument["paths"];
	for (const [path, item] of Object.entries(paths)) {
		for (const op of Object.values(item)) describePathParameters(path, op);
	}
	// The keys in the order a reader expects them (hono-openapi appends `paths` last).
	return {
		openapi: "3.1.1",
		info: INFO,
		servers: SERVERS,
		paths,
		components: COMPONENTS(),
		security: [{ bearer: [] }],
		tags: TAGS,
	};
}

/** Puts `path`'s parameters first, each described by its name (hono-openapi adds them as bare strings). */
function describePathParameters(path: string, op: OpenApiOperation): void {
	const names = [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => name!);
	const described = names.map((name) => {
		const param = PATH_PARAMETERS[name];
		if (!param) throw new Error(`No description of path parameter "${name}" (${path}).`);
		return { name, in: "path", required: true, ...param };
	});
	const others = (op.parameters ?? []).filter((p) => p.in !== "path");
	if (described.length + others.length > 0) op.parameters = [...described, ...others];
}
