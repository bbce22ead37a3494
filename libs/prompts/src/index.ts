/**
 * @ow/prompts: pure functions from typed input to `{instructions, prompt}`. No I/O, no models: the
 * Workflow chooses the model, these choose the words.
 */
export { browserAgentPrompt } from "./browser-agent";
export { fenceData } from "./fence";
export { planSubtasksPrompt, repairPlanPrompt, type PlanSubtasksInput } from "./plan-subtasks";
export { PROMPT_VERSION, type BuiltPrompt } from "./prompt-version";
export { answerFromPagePrompt, runSubtaskPrompt, type DependencyOutput, type PageContent } from "./run-subtask";
export { synthesisFromText, synthesisePrompt, type SynthesisInput } from "./synthesise";
export {
	debateJudgePrompt,
	debateOpeningPrompt,
	debateRevisionPrompt,
	DEFAULT_STANCES,
	groupAnswersPrompt,
	type EnsembleTask,
} from "./ensemble";
