/** @ow/testing: tooling for end-to-end tests and benchmarks. Never imported by product code. */
export * from "./wrangler-dev.ts";
export * from "./product-stack.ts";
export * from "./harness-stack.ts";
export * from "./model-server/index.ts";
export * from "./run-client.ts";
export * from "./events-client.ts";
export * from "./static-site.ts";
export * from "./process-tree.ts";
export * from "./otlp-receiver.ts";
export * from "./refusing-port.ts";
export * from "./openapi-contract.ts";
export * from "./engine-steps.ts";
export * from "./run-store-file.ts";
