/**
 * Lints an OpenAPI document with Redocly's `recommended` ruleset (the rules `redocly lint` applies by
 * default), through its library so the check needs neither a CLI nor a server. Used on the committed
 * `openapi.json` (the `lint` target) and on the live document (the orchestrator's end-to-end tests).
 *
 * Errors fail the check. The recommended warnings that remain are the API's shape, not mistakes:
 * `no-ambiguous-paths` (`/{id}/events` beside `/schedules/{scheduleId}`: the app routes fixed
 * prefixes first), `info-license` (a private deployment) and `no-unused-components` (ProgressEvent
 * is named only by the `x-event-data-schema` extension of the event stream).
 */
import { createConfig, lintFromString } from "@redocly/openapi-core";

/** The findings, each as `ruleId: message (at pointer)`, split by severity. */
export interface LintReport {
	errors: string[];
	warnings: string[];
}

export async function lintOpenApi(document: object): Promise<LintReport> {
	const config = await createConfig({ extends: ["recommended"] });
	const problems = await lintFromString({ source: JSON.stringify(document), absoluteRef: "openapi.json", config });
	const line = (p: (typeof problems)[number]) => `${p.ruleId}: ${p.message} (at ${p.location[0]?.pointer ?? "#"})`;
	const reported = problems.filter((p) => !p.ignored);
	return {
		errors: reported.filter((p) => p.severity === "error").map(line),
		warnings: reported.filter((p) => p.severity === "warn").map(line),
	};
}
