/**
 * @ow/schemas: the zod schemas of the product and the types derived from them. One source of truth
 * for HTTP bodies, model outputs, Workflow params and the browser harness's RPC.
 */
export * from "./admission";
export * from "./api-error";
export * from "./browser-agent";
export * from "./browser-agent-loop";
export * from "./browser-agent-session";
export * from "./browser-pool";
export * from "./browser-task";
export * from "./ensemble";
export * from "./page-extraction";
export * from "./plan-approval";
export * from "./progress-event";
export * from "./run-budget";
export * from "./run-request";
export * from "./run-status";
export * from "./subtask-plan";
export * from "./subtask-result";
export * from "./synthesis";
export * from "./usage";
export * from "./schedule";
