/**
 * The contract check for every e2e file on the shared stack: each answer the stack gives a test's
 * `fetch` must be one the OpenAPI document describes (see @ow/testing's openapi-contract), or the
 * request fails with what is wrong. CORS preflights (OPTIONS) are the CORS middleware's, not
 * operations of the API, and `/cdn-cgi/` is wrangler's own (the local Workflows explorer): both are
 * left alone.
 */
import { createContractCheck } from "@ow/testing";
import { inject } from "vitest";

const devURL = inject("devURL");
const check = createContractCheck();
const unchecked = globalThis.fetch;

globalThis.fetch = async (input, init) => {
	const request = new Request(input, init);
	const response = await unchecked(request);
	const api = request.url.startsWith(devURL) && !request.url.startsWith(`${devURL}/cdn-cgi/`);
	if (api && request.method !== "OPTIONS") {
		await check(request.method, request.url, response);
	}
	return response;
};
