import { describe, expect, it } from "vitest";
import * as prompts from "./index";

describe("@ow/prompts index", () => {
	it.each([
		"fenceData",
		"planSubtasksPrompt",
		"repairPlanPrompt",
		"runSubtaskPrompt",
		"answerFromPagePrompt",
		"synthesisePrompt",
		"synthesisFromText",
		"PROMPT_VERSION",
	])("should export %s", (name) => {
		expect(prompts).toHaveProperty(name);
	});

	it("should version the prompt set as a date and a counter", () => {
		expect(prompts.PROMPT_VERSION).toMatch(/^\d{4}-\d{2}-\d{2}\.\d+$/);
	});
});
