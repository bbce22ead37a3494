import { describe, expect, it } from "vitest";
import {
	byLabel,
	demoResponder,
	genericResponder,
	jsonReply,
	labelBySystemPrompt,
	schemaFiller,
} from "./responders.ts";
import type { ChatRequest, ResponderContext } from "./types.ts";

function request(extra: Partial<ChatRequest> = {}): ChatRequest {
	return {
		model: "big",
		messages: [],
		system: "",
		user: "",
		jsonSchema: null,
		schemaName: null,
		headers: {},
		...extra,
	};
}

const ctx = (label: string): ResponderContext => ({ label, callIndex: 0, labelCallIndex: 0 });

describe("schemaFiller", () => {
	it("fills required properties minimally and follows refs", () => {
		const schema = {
			type: "object",
			properties: {
				name: { type: "string" },
				count: { type: "integer", exclusiveMinimum: 0 },
				tags: { type: "array", items: { type: "string" } },
				mode: { enum: ["fast", "slow"] },
				parent: { anyOf: [{ $ref: "#/definitions/node" }, { type: "null" }] },
				child: { $ref: "#/definitions/node" },
				either: { type: ["string", "null"] },
				fixed: { const: "v1" },
				optional: { type: "string" },
			},
			required: ["name", "count", "tags", "mode", "parent", "child", "either", "fixed"],
			definitions: { node: { type: "object", properties: { ok: { type: "boolean" } }, required: ["ok"] } },
		};
		expect(schemaFiller(schema)).toEqual({
			name: "",
			count: 1,
			tags: [],
			mode: "fast",
			parent: null,
			child: { ok: false },
			either: null,
			fixed: "v1",
		});
	});

	it("does not recurse forever on self-referencing schemas", () => {
		const schema = {
			$ref: "#/$defs/tree",
			$defs: {
				tree: {
					type: "object",
					properties: { kids: { type: "array", items: { $ref: "#/$defs/tree" }, minItems: 1 } },
					required: ["kids"],
				},
			},
		};
		expect(() => schemaFiller(schema)).not.toThrow();
	});
});

describe("responders", () => {
	it("routes by label and reports a missing label as a 500", async () => {
		const responder = byLabel({ plan: jsonReply(1), subtask: () => jsonReply(2) });
		expect(await responder(request(), ctx("plan"))).toEqual(jsonReply(1));
		expect(await responder(request(), ctx("subtask"))).toEqual(jsonReply(2));
		expect(await responder(request(), ctx("other"))).toMatchObject({ kind: "error", status: 500 });
	});

	it("labels by system prompt", () => {
		const classify = labelBySystemPrompt({ plan: "planner", subtask: /subtask/i });
		expect(classify(request({ system: "You are the planner" }))).toBe("plan");
		expect(classify(request({ system: "Run one SUBTASK" }))).toBe("subtask");
		expect(classify(request({ system: "?" }))).toBe("default");
	});

	it("answers text requests deterministically and JSON mode with an object", async () => {
		expect(await genericResponder(request({ user: "  hello\n world " }), ctx("default"))).toEqual({
			kind: "text",
			text: "Scripted answer to: hello world",
		});
		const jsonMode = request({ response_format: { type: "json_object" } });
		expect(await genericResponder(jsonMode, ctx("default"))).toEqual(jsonReply({}));
	});

	it("answers like the demo model when asked to: a plan that reads the request's URL", async () => {
		const planner = request({
			system: "You are the planner of a task orchestrator.",
			user: "At most 4 subtasks.\n\nUser request:\nSummarise http://site.test/page",
			jsonSchema: { type: "object", properties: { subtasks: { type: "array" } } },
		});
		expect(await demoResponder(planner, ctx("default"))).toEqual(
			jsonReply({ subtasks: [expect.objectContaining({ executor: "browser", url: "http://site.test/page" })] }),
		);
	});
});
