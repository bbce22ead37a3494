import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

describe("the development environment at run time", () => {
	it("should provide the Workflow, the D1 registry and the harness binding", () => {
		expect(typeof env.ORCHESTRATOR_WORKFLOW.create).toBe("function");
		expect(typeof env.DB.prepare).toBe("function");
		expect(typeof env.BROWSER_HARNESS.fetch).toBe("function");
	});

	it("should have no Workers AI binding, which would need a Cloudflare login", () => {
		expect("AI" in env).toBe(false);
	});

	it("should have the registry's tables after the migrations", async () => {
		const { results } = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all<{
			name: string;
		}>();
		expect(results.map((r) => r.name)).toEqual(expect.arrayContaining(["events", "runs", "subtasks"]));
	});
});
