/**
 * @ow/demo-model: the answers of the built-in demo model, as pure functions of the prompt. The
 * orchestrator wraps them in an AI SDK language model (`MODEL_PROVIDER=demo`); the scripted test
 * model server can serve them too. No I/O, no timers: latency and streaming belong to the callers.
 */
export { demoAgentAction, demoSubtaskAnswer, demoSynthesis } from "./answers.ts";
export { DEMO_MODEL_IDS, demoAnswer, estimateTokens, type DemoAnswer, type DemoRequest } from "./demo-answer.ts";
export { demoPlan, type DemoPlanInput } from "./plan.ts";
export { dataSections, excerpt, urlsIn, type DataSection } from "./prompt-text.ts";
export { schemaFiller, type JsonSchema } from "./schema-filler.ts";
