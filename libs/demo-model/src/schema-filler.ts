/**
 * Produces a minimal value that satisfies a JSON schema, so a generic responder can answer any
 * structured-output request validly without knowing the product's schemas (benchmarks, manual runs).
 */
/** A JSON Schema, kept loose because any schema may arrive. */
export type JsonSchema = { [key: string]: unknown };

/** Values for common string formats, since "" would fail e.g. zod's `.url()` or `.email()`. */
const FORMAT_VALUES: Record<string, string> = {
	email: "a@example.com",
	uri: "https://example.com",
	url: "https://example.com",
	uuid: "00000000-0000-4000-8000-000000000000",
	"date-time": "1970-01-01T00:00:00.000Z",
	date: "1970-01-01",
	time: "00:00:00",
};

/** Refs nested deeper than this are answered with null instead of recursing forever. */
const MAX_DEPTH = 32;

function isSchema(value: unknown): value is JsonSchema {
	return typeof value === "object" && value !== null && !Array.isArray(value);
}

function resolveRef(root: JsonSchema, ref: string): JsonSchema {
	if (!ref.startsWith("#")) return {};
	let node: unknown = root;
	for (const raw of ref.slice(1).split("/").filter(Boolean)) {
		const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
		node = isSchema(node) ? node[key] : undefined;
	}
	return isSchema(node) ? node : {};
}

function isNullSchema(schema: unknown): boolean {
	return isSchema(schema) && (schema["type"] === "null" || schema["const"] === null);
}

function fillString(schema: JsonSchema): string {
	const format = typeof schema["format"] === "string" ? FORMAT_VALUES[schema["format"]] : undefined;
	if (format !== undefined) return format;
	const minLength = typeof schema["minLength"] === "number" ? schema["minLength"] : 0;
	const plain = "x".repeat(minLength);
	if (typeof schema["pattern"] !== "string") return plain;
	// Generating a string for any regex is a project of its own; a few common shapes cover ids and codes.
	const pattern = new RegExp(schema["pattern"]);
	return (
		[plain, "x", "item-1", "a1", "A1", "1", "x".repeat(Math.max(1, minLength))].find((c) => pattern.test(c)) ?? plain
	);
}

function fillNumber(schema: JsonSchema, integer: boolean): number {
	const min = schema["minimum"];
	const exclusiveMin = schema["exclusiveMinimum"];
	const max = schema["maximum"];
	let value = 0;
	if (typeof min === "number") value = min;
	else if (typeof exclusiveMin === "number") value = integer ? Math.floor(exclusiveMin) + 1 : exclusiveMin + 1;
	else if (typeof max === "number" && max < 0) value = max;
	return integer ? Math.ceil(value) : value;
}

function fill(schema: JsonSchema, root: JsonSchema, depth: number): unknown {
	if (depth > MAX_DEPTH) return null;
	if (typeof schema["$ref"] === "string") return fill(resolveRef(root, schema["$ref"]), root, depth + 1);
	if ("const" in schema) return schema["const"];
	if (Array.isArray(schema["enum"])) return schema["enum"][0] ?? null;
	for (const key of ["anyOf", "oneOf"]) {
		const options = schema[key];
		if (!Array.isArray(options)) continue;
		if (options.some(isNullSchema)) return null;
		const first = options.find(isSchema);
		return first ? fill(first, root, depth + 1) : null;
	}
	if (Array.isArray(schema["allOf"])) {
		const parts = schema["allOf"].filter(isSchema).map((part) => fill(part, root, depth + 1));
		return parts.every(isSchema) ? Object.assign({}, ...parts) : (parts[0] ?? null);
	}
	const type = schema["type"];
	if (Array.isArray(type)) return type.includes("null") ? null : fill({ ...schema, type: type[0] }, root, depth + 1);
	switch (type) {
		case "object":
			return fillObject(schema, root, depth);
		case "array": {
			const items = isSchema(schema["items"]) ? schema["items"] : {};
			const count = typeof schema["minItems"] === "number" ? schema["minItems"] : 0;
			return Array.from({ length: count }, () => fill(items, root, depth + 1));
		}
		case "string":
			return fillString(schema);
		case "number":
			return fillNumber(schema, false);
		case "integer":
			return fillNumber(schema, true);
		case "boolean":
			return false;
		case "null":
			return null;
		default:
			return isSchema(schema["properties"]) ? fillObject(schema, root, depth) : null;
	}
}

function fillObject(schema: JsonSchema, root: JsonSchema, depth: number): Record<string, unknown> {
	const properties = isSchema(schema["properties"]) ? schema["properties"] : {};
	const required = Array.isArray(schema["required"]) ? schema["required"] : [];
	const value: Record<string, unknown> = {};
	for (const name of required) {
		if (typeof name !== "string") continue;
		const property = properties[name];
		value[name] = isSchema(property) ? fill(property, root, depth + 1) : null;
	}
	return value;
}

/**
 * A minimal valid value for `schema`: objects with every required property, strings "" (or a format
 * sample, or `minLength` x's), numbers 0 (or the minimum), arrays with `minItems` entries, nullable values
 * null, enums their first member. Local `$ref`s (`#/definitions/...`, `#/$defs/...`) are followed.
 */
export function schemaFiller(schema: JsonSchema): unknown {
	return fill(schema, schema, 0);
}
