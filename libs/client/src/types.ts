/** Names for the generated schema types the client's users handle most. */
import type { components, operations } from "./generated/api.ts";

export type { components, operations, paths } from "./generated/api.ts";

type Schemas = components["schemas"];
export type RunRequest = Schemas["RunRequest"];
export type RunOptions = NonNullable<RunRequest["options"]>;
export type RunAccepted = Schemas["RunAccepted"];
export type BatchRequest = Schemas["BatchRequest"];
export type BatchAccepted = Schemas["BatchAccepted"];
export type RunStatus = Schemas["RunStatus"];
export type RunState = RunStatus["status"];
export type SubtaskStatus = RunStatus["subtasks"][number];
export type RunList = Schemas["RunList"];
export type ListedRun = RunList["runs"][number];
export type RunInstance = Schemas["RunInstance"];
export type RestartedRun = Schemas["RestartedRun"];
export type PurgedRun = Schemas["PurgedRun"];
export type PlanApproval = Schemas["PlanApproval"];
export type ApprovalAnswer = Schemas["ApprovalAnswer"];
export type ProgressEvent = Schemas["ProgressEvent"];
export type ProgressEventType = ProgressEvent["type"];
/** The body of every error the API answers: `{error: {code, message, details?}}`. */
export type ApiErrorBody = Schemas["ApiError"];
export type AdmissionState = Schemas["AdmissionState"];
export type AdmissionRequest = Schemas["AdmissionRequest"];
export type Schedule = Schemas["Schedule"];
export type ScheduleList = Schemas["ScheduleList"];
export type ListedSchedule = ScheduleList["schedules"][number];
export type ListSchedulesQuery = NonNullable<operations["listSchedules"]["parameters"]["query"]>;
export type ListRunsQuery = NonNullable<operations["listRuns"]["parameters"]["query"]>;
export type RestartFrom = NonNullable<NonNullable<operations["restartRun"]["parameters"]["query"]>["from"]>;

/** Run states after which nothing changes. */
export const TERMINAL_STATES: readonly RunState[] = ["complete", "errored", "terminated"];
