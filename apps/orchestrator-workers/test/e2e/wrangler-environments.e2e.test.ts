/**
 * Every environment of both Workers has the bindings the code needs, as wrangler resolves them
 * (bindings are not inherited by environments, so each one must list them).
 */
import path from "node:path";
import { REPO_ROOT } from "@ow/testing";
import { unstable_readConfig } from "wrangler";
import { describe, expect, it } from "vitest";

const ENVIRONMENTS = ["development", "remote-ai", "staging", "production"] as const;
const read = (config: string, env: string) =>
	unstable_readConfig({ config: path.join(REPO_ROOT, config), env }, { hideWarnings: true });
const harnessName = (env: string) => `browser-harness-${env}`;

describe.each(ENVIRONMENTS)("the %s environment", (env) => {
	const orchestrator = read("wrangler.jsonc", env);
	const harness = read("apps/browser-harness/wrangler.jsonc", env);

	it("should bind the orchestrator's Workflow, D1 registry and browser harness", () => {
		expect(orchestrator.workflows).toEqual([
			expect.objectContaining({ binding: "ORCHESTRATOR_WORKFLOW", class_name: "OrchestratorWorkflow" }),
		]);
		expect(orchestrator.d1_databases).toEqual([
			expect.objectContaining({ binding: "DB", migrations_dir: "apps/orchestrator-workers/migrations" }),
		]);
		// Under `-e <env>` wrangler names the harness Worker `browser-harness-<env>`.
		expect(orchestrator.services).toEqual([
			{ binding: "BROWSER_HARNESS", service: harnessName(env), entrypoint: "BrowserHarness" },
		]);
		expect(orchestrator.compatibility_flags).toContain("nodejs_compat");
		expect(orchestrator.observability?.enabled).toBe(true);
	});

	it("should bind Workers AI only where an account is expected", () => {
		// In development wrangler would demand a login for the remote AI binding; remote-ai is development
		// for account holders (`nx dev -c remote-ai`): AI remote, everything else local.
		const ai = {
			development: undefined,
			"remote-ai": { binding: "AI", remote: true },
			staging: { binding: "AI" },
			production: { binding: "AI" },
		}[env];
		expect(orchestrator.ai).toEqual(ai);
		expect(orchestrator.vars.MODEL_PROVIDER).toBe(env === "development" ? "openai-compatible" : "workers-ai");
	});

	it("should serve the web page's built assets through the Worker", () => {
		// Assets and the build are inherited by every environment; the Worker runs first (src/routes/ui.ts).
		expect(orchestrator.assets).toMatchObject({ binding: "ASSETS", run_worker_first: true });
		expect(path.resolve(REPO_ROOT, orchestrator.assets?.directory ?? "")).toBe(
			path.join(REPO_ROOT, "apps/orchestrator-workers/dist/web"),
		);
		expect(orchestrator.build.command).toContain("@ow/orchestrator-workers/web/build.mjs");
	});

	it("should bind version metadata only where Cloudflare names real versions", () => {
		// Under wrangler dev the binding yields a new random id on every start; runs there record "dev".
		const deployed = env === "staging" || env === "production";
		expect(orchestrator.version_metadata).toEqual(deployed ? { binding: "CF_VERSION_METADATA" } : undefined);
	});

	it("should give the harness its browser, pool and artifact bindings", () => {
		expect(harness.browser).toEqual({ binding: "BROWSER" });
		expect(harness.durable_objects.bindings).toEqual([{ name: "SESSION_POOL", class_name: "SessionPool" }]);
		expect(harness.r2_buckets).toEqual([expect.objectContaining({ binding: "ARTIFACTS" })]);
		// Private URLs are allowed only in local development (through .dev.vars), never when deployed.
		expect(harness.vars.ALLOW_PRIVATE_URLS).toBe("false");
	});

	it("should use one compatibility date for both Workers", () => {
		expect(harness.compatibility_date).toBe(orchestrator.compatibility_date);
	});
});
