/**
 * Runs the scripted model server with the demo model's answers (or, with --generic, the minimal
 * schema-valid ones), so a developer can try the openai-compatible path with no real model:
 *
 *   npm run model-server -- [--port 11434] [--latency-ms 0] [--model big --model small] [--generic]
 *
 * Prints the base URL to give the OpenAI-compatible provider, and stops on SIGINT/SIGTERM.
 */
import { parseArgs } from "node:util";
import { startModelServer } from "./model-server.ts";
import { demoResponder, genericResponder } from "./responders.ts";
import type { ModelServer } from "./types.ts";

function toNonNegativeInteger(name: string, value: string | undefined, fallback: number): number {
	if (value === undefined) return fallback;
	const parsed = Number(value);
	if (!Number.isInteger(parsed) || parsed < 0)
		throw new Error(`--${name} must be a non-negative integer, got "${value}"`);
	return parsed;
}

async function main(): Promise<void> {
	const { values } = parseArgs({
		options: {
			port: { type: "string" },
			"latency-ms": { type: "string" },
			model: { type: "string", multiple: true },
			generic: { type: "boolean" },
		},
	});
	let server: ModelServer | undefined;
	// Registered before start-up so a signal that arrives early still ends the process cleanly.
	const stop = (): void => {
		(server?.close() ?? Promise.resolve()).then(
			() => process.exit(0),
			() => process.exit(1),
		);
	};
	process.once("SIGINT", stop);
	process.once("SIGTERM", stop);
	server = await startModelServer({
		port: toNonNegativeInteger("port", values.port, 11434),
		latencyMs: toNonNegativeInteger("latency-ms", values["latency-ms"], 0),
		responder: values.generic ? genericResponder : demoResponder,
		...(values.model ? { models: values.model } : {}),
	});
	console.log(`scripted model server listening; baseURL: ${server.baseURL}`);
}

main().catch((error: unknown) => {
	console.error(error instanceof Error ? error.message : error);
	process.exit(1);
});
