/** @ow/client: the typed client of the orchestrator's HTTP API, generated from its OpenAPI document. */
export * from "./client.ts";
export * from "./errors.ts";
export * from "./types.ts";
export { isTerminalEvent, type WatchOptions } from "./watch.ts";
export { parseSse, type SseFrame } from "./sse.ts";
