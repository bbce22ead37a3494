// Schemas the model fills are sent as JSON schema in strict mode (OpenAI-style structured outputs),
// which wants every object property listed in `required`: hence `.nullable()`, never `.optional()`.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { planSchema } from "./subtask-plan";
import { synthesisSchema } from "./synthesis";

interface ObjectNode {
	path: string;
	properties: string[];
	required: string[];
	additionalProperties: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Every JSON-schema node with `properties`, found anywhere below `node`. */
function objectNodes(node: unknown, path = "#"): ObjectNode[] {
	if (Array.isArray(node)) return node.flatMap((child, i) => objectNodes(child, `${path}/${i}`));
	if (!isRecord(node)) return [];
	const own: ObjectNode[] = isRecord(node.properties)
		? [
				{
					path,
					properties: Object.keys(node.properties),
					required: Array.isArray(node.required) ? node.required.map(String) : [],
					additionalProperties: node.additionalProperties,
				},
			]
		: [];
	return own.concat(Object.entries(node).flatMap(([key, child]) => objectNodes(child, `${path}/${key}`)));
}

const MODEL_OUTPUT_SCHEMAS = { planSchema, synthesisSchema };

describe.each(Object.entries(MODEL_OUTPUT_SCHEMAS))("%s as JSON schema", (_name, schema) => {
	const nodes = objectNodes(z.toJSONSchema(schema));

	it("should contain object nodes", () => {
		expect(nodes.length).toBeGreaterThan(0);
	});

	it("should list every property of every object in required", () => {
		for (const node of nodes)
			expect({ path: node.path, required: node.required.toSorted() }).toEqual({
				path: node.path,
				required: node.properties.toSorted(),
			});
	});

	it("should forbid additional properties on every object", () => {
		for (const node of nodes)
			expect({ path: node.path, additionalProperties: node.additionalProperties }).toEqual({
				path: node.path,
				additionalProperties: false,
			});
	});
});
