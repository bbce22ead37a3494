import { startModelServer, type ModelServer } from "@ow/testing";
import type { TestProject } from "vitest/node";

declare module "vitest" {
	interface ProvidedContext {
		modelBaseURL: string;
	}
}

let server: ModelServer | undefined;

/** Starts the scripted model server the Workers under test call; tests script it with scenarios. */
export async function setup(project: TestProject) {
	server = await startModelServer();
	project.provide("modelBaseURL", server.baseURL);
}

export async function teardown() {
	await server?.close();
}
