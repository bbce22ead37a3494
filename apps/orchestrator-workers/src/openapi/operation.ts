/**
 * `operation({...})`: the description of one route, given next to its handler as the route's first
 * middleware. The document (./document.ts) is generated from the app's routes by hono-openapi, so a
 * route's method and path are the route's own and an operation cannot describe a route that is not
 * there. Every operation gets the error responses the middleware in front of every route can answer
 * (401 without the key, 415 for a body not declared JSON, 431 for oversized headers, 500).
 */
import type { MiddlewareHandler } from "hono";
import { describeRoute, type DescribeRouteOptions } from "hono-openapi";
import { queryParameters, ref } from "./components";
import { ERROR_RESPONSES, type OperationSpec, type ResponseSpec } from "./operation-spec";

/** The OpenAPI operation object `spec` describes (path parameters are added from the route's path). */
export function operationObject(spec: OperationSpec): Record<string, unknown> {
	const parameters = [
		...(spec.query ? queryParameters(spec.query) : []),
		...(spec.extraQuery ?? []).map(({ required = false, ...p }) => ({ ...p, in: "query", required })),
		...(spec.headers ?? []).map(({ required = false, ...p }) => ({ ...p, in: "header", required })),
	];
	const errors = [
		...(spec.public ? [] : ([401] as const)),
		...(spec.body ? ([415] as const) : []),
		...(spec.errors ?? []),
		431 as const,
		500 as const,
	];
	const responses: Record<string, Record<string, unknown>> = {};
	for (const [status, response] of Object.entries(spec.responses)) responses[status] = responseObject(response);
	for (const status of errors) responses[String(status)] = responseObject(ERROR_RESPONSES[status]);
	return {
		operationId: spec.operationId,
		summary: spec.summary,
		...(spec.description ? { description: spec.description } : {}),
		tags: [spec.tag],
		...(parameters.length > 0 ? { parameters } : {}),
		...(spec.body
			? { requestBody: { required: true, content: { "application/json": { schema: ref(spec.body) } } } }
			: {}),
		responses,
		...(spec.public ? { security: [] } : {}),
	};
}

/** A response whose body is text of `mediaType`. */
export const textResponse = (mediaType: string, description: string): ResponseSpec => ({
	description,
	body: { mediaType, schema: { type: "string" } },
});

/** The route's description, as a middleware hono-openapi finds when it generates the document. */
export function operation(spec: OperationSpec): MiddlewareHandler {
	// The object is built from plain JSON Schema pieces, which hono-openapi passes through as they are.
	return describeRoute(operationObject(spec) as DescribeRouteOptions);
}

function responseObject(spec: ResponseSpec): Record<string, unknown> {
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
