/** The scripted OpenAI-compatible model server and its responder helpers. */
export * from "./model-server.ts";
export * from "./responders.ts";
export * from "./types.ts";
export { DEFAULT_MALFORMED_CONTENT } from "./reply-writer.ts";
export { estimateTokens, messageText } from "./request.ts";
export * from "./scenarios.ts";
export * from "./remote.ts";
