/**
 * The OpenAPI 3.1 document of the HTTP API (`GET /openapi.json`), built from the operations table and
 * the zod schemas that validate requests.
 *
 * @see https://spec.openapis.org/oas/v3.1.1.html
 */
import { RUN_ID_PATTERN } from "../runs/run-id";
import { SCHEDULE_ID_PATTERN } from "../schedules/schedule-store";
import { componentSchemas, queryParameters, ref } from "./components";
import { ERROR_RESPONSES, type OperationSpec, type ResponseSpec } from "./operation-spec";
import { OPERATIONS } from "./operations";

/** The document's JSON shape, as far as this module and its tests use it. */
export interface OpenApiDocument {
	openapi: "3.1.1";
	info: { title: string; version: string; description: string };
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

let cached: OpenApiDocument | undefined;

/** The document; built once per isolate (it depends on code only). */
export function openApiDocument(): OpenApiDocument {
	cached ??= buildOpenApiDocument();
	return cached;
}

/** Builds the document from OPERATIONS. */
export function buildOpenApiDocument(operations: OperationSpec[] = OPERATIONS): OpenApiDocument {
	const paths: OpenApiDocument["paths"] = {};
	for (const op of operations) {
		const pathItem = (paths[op.path] ??= {});
		if (pathItem[op.method]) throw new Error(`Two operations for ${op.method.toUpperCase()} ${op.path}.`);
		pathItem[op.method] = operation(op);
	}
	return {
		openapi: "3.1.1",
		info: { title: "orchestrator-workers", version: API_VERSION, description: DESCRIPTION },
		paths,
		components: {
			schemas: componentSchemas(),
			securitySchemes: {
				bearer: {
					type: "http",
					scheme: "bearer",
					description:
						"The deployment's API_KEY secret; needed only when it is set. GET /{id}/events also takes it as ?access_token=.",
				},
			},
		},
		security: [{ bearer: [] }],
		tags: TAGS,
	};
}

function operation(op: OperationSpec): OpenApiOperation {
	const parameters = [
		...[...op.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => {
			const param = PATH_PARAMETERS[name!];
			if (!param) throw new Error(`No description of path parameter "${name}" (${op.path}).`);
			return { name, in: "path", required: true, ...param };
		}),
		...(op.query ? queryParameters(op.query) : []),
		...(op.extraQuery ?? []).map(({ required = false, ...p }) => ({ ...p, in: "query", required })),
		...(op.headers ?? []).map(({ required = false, ...p }) => ({ ...p, in: "header", required })),
	];
	const errors = [
		...(op.public ? [] : ([401] as const)),
		...(op.body ? ([415] as const) : []),
		...(op.errors ?? []),
		431 as const,
		500 as const,
	];
	const responses: OpenApiOperation["responses"] = {};
	for (const [status, spec] of Object.entries(op.responses)) responses[status] = response(spec);
	for (const status of errors) responses[String(status)] = response(ERROR_RESPONSES[status]);
	return {
		operationId: op.operationId,
		summary: op.summary,
		...(op.description ? { description: op.description } : {}),
		tags: [op.tag],
		...(parameters.length > 0 ? { parameters } : {}),
		...(op.body ? { requestBody: { required: true, content: { "application/json": { schema: ref(op.body) } } } } : {}),
		responses,
		...(op.public ? { security: [] } : {}),
	};
}

function response(spec: ResponseSpec): Record<string, unknown> {
	const content =
		spec.body === undefined
			? undefined
			: typeof spec.body === "string"
				? { "application/json": { schema: ref(spec.body) } }
				: { [spec.body.mediaType]: { schema: spec.body.schema } };
	return {
		description: spec.description,
		...(spec.headers ? { headers: spec.headers } : {}),
		...(content ? { content } : {}),
		...spec.extensions,
	};
}
