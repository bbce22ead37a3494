import { describe, expect, it } from "vitest";
import * as admission from "./admission";
import * as apiError from "./api-error";
import * as browserAgent from "./browser-agent";
import * as browserAgentLoop from "./browser-agent-loop";
import * as browserAgentSession from "./browser-agent-session";
import * as browserPool from "./browser-pool";
import * as browserTask from "./browser-task";
import * as ensemble from "./ensemble";
import * as schemas from "./index";
import * as pageExtraction from "./page-extraction";
import * as planApproval from "./plan-approval";
import * as progressEvent from "./progress-event";
import * as runBudget from "./run-budget";
import * as runRequest from "./run-request";
import * as runStatus from "./run-status";
import * as schedule from "./schedule";
import * as subtaskPlan from "./subtask-plan";
import * as subtaskResult from "./subtask-result";
import * as synthesis from "./synthesis";
import * as usage from "./usage";

/** The runtime names the apps rely on; removing one is a breaking change. */
const EXPECTED_EXPORTS = [
	"EMPTY_TIMINGS",
	"planApprovalSchema",
	"PLAN_APPROVAL_EVENT",
	"BUDGET_RAISE_EVENT",
	"budgetRaiseSchema",
	"budgetStatusSchema",
	"errorInfoSchema",
	"apiErrorSchema",
	"AGENT_DEFAULT_MAX_ITERATIONS",
	"AGENT_LIMITS",
	"agentActionTypeSchema",
	"agentActionSchema",
	"agentElementSchema",
	"agentObservationSchema",
	"agentStepSchema",
	"ensembleOptionsSchema",
	"ensembleStatusSchema",
	"ensembleFromPlan",
	"ensembleOf",
	"agentPageViewSchema",
	"agentOpenRequestSchema",
	"agentActRequestSchema",
	"agentSessionResultSchema",
	"startAgentLoop",
	"agentObservationOf",
	"afterAgentStep",
	"BROWSER_POOL_LIMITS",
	"poolStatsSchema",
	"poolScaleRequestSchema",
	"BROWSE_LIMITS",
	"browseRequestSchema",
	"pageLinkSchema",
	"browsedPageSchema",
	"browseErrorCodeSchema",
	"browseResultSchema",
	"progressEventTypeSchema",
	"progressEventSchema",
	"SUBTASKS_CEILING",
	"failurePolicySchema",
	"runOptionsSchema",
	"runLabelsSchema",
	"admissionRequestSchema",
	"admissionStateSchema",
	"ADMISSION_CLOSED",
	"runRequestSchema",
	"resolvedRunOptionsSchema",
	"runStateSchema",
	"MAX_DELAY_SECONDS_CEILING",
	"scheduleRequestSchema",
	"schedulePatchSchema",
	"scheduleSchema",
	"scheduleDetailSchema",
	"subtaskStateSchema",
	"subtaskStatusSchema",
	"timingsSchema",
	"runStatusSchema",
	"executorSchema",
	"subtaskSchema",
	"planSchema",
	"subtaskOutputSchema",
	"subtaskResultSchema",
	"referenceSchema",
	"synthesisSchema",
	"tokenCountsSchema",
	"usageSchema",
	"EMPTY_USAGE",
	"addUsage",
	"extractedPageSchema",
	"pageExtractionScript",
];

const MODULES = {
	admission,
	"api-error": apiError,
	"browser-agent": browserAgent,
	ensemble,
	"browser-agent-loop": browserAgentLoop,
	"browser-agent-session": browserAgentSession,
	"browser-pool": browserPool,
	"page-extraction": pageExtraction,
	"plan-approval": planApproval,
	"browser-task": browserTask,
	"progress-event": progressEvent,
	"run-budget": runBudget,
	"run-request": runRequest,
	"run-status": runStatus,
	schedule,
	"subtask-plan": subtaskPlan,
	"subtask-result": subtaskResult,
	synthesis,
	usage,
};

describe("@ow/schemas index", () => {
	it.each(EXPECTED_EXPORTS)("should export %s", (name) => {
		expect(schemas).toHaveProperty(name);
	});

	it.each(Object.entries(MODULES))("should re-export every export of ./%s unchanged", (_name, module) => {
		for (const [name, value] of Object.entries(module)) expect(schemas).toHaveProperty(name, value);
	});

	it("should export nothing beyond its modules' exports", () => {
		const fromModules = new Set(Object.values(MODULES).flatMap((module) => Object.keys(module)));
		expect(Object.keys(schemas).filter((name) => !fromModules.has(name))).toEqual([]);
	});

	it("should not export the test fixtures", () => {
		expect(schemas).not.toHaveProperty("samplePlan");
	});
});
