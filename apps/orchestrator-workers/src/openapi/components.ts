/**
 * The document's schemas, converted from the same zod schemas that validate requests (and describe
 * responses), so the description cannot disagree with the validation.
 *
 * - Request bodies convert with `io: "input"` (what a client may send: defaults optional).
 * - Response bodies convert with `io: "output"` (what the API answers).
 */
import {
	admissionRequestSchema,
	admissionStateSchema,
	apiErrorSchema,
	budgetRaiseSchema,
	planApprovalSchema,
	poolScaleRequestSchema,
	poolStatsSchema,
	progressEventSchema,
	runRequestSchema,
	runStatusSchema,
	scheduleDetailSchema,
	schedulePatchSchema,
	scheduleRequestSchema,
} from "@ow/schemas";
import { z } from "zod";
import { batchSchema, scheduleSweepSchema } from "../http/request-schemas";
import {
	approvalAnswerSchema,
	batchAcceptedSchema,
	deletedScheduleSchema,
	scheduleListSchema,
	scheduleSweepReportSchema,
	healthSchema,
	purgedRunSchema,
	restartedRunSchema,
	runAcceptedSchema,
	runInstanceSchema,
	runListSchema,
} from "./responses";

/** A JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1). */
export type JsonSchema = Record<string, unknown>;

/** Request bodies, by component name. */
const REQUEST_BODIES = {
	RunRequest: runRequestSchema,
	BatchRequest: batchSchema,
	PlanApproval: planApprovalSchema,
	BudgetRaise: budgetRaiseSchema,
	PoolScaleRequest: poolScaleRequestSchema,
	AdmissionRequest: admissionRequestSchema,
	ScheduleRequest: scheduleRequestSchema,
	SchedulePatch: schedulePatchSchema,
	ScheduleSweep: scheduleSweepSchema,
} satisfies Record<string, z.ZodType>;

/** Response bodies, by component name. */
const RESPONSE_BODIES = {
	RunStatus: runStatusSchema,
	RunAccepted: runAcceptedSchema,
	BatchAccepted: batchAcceptedSchema,
	RunList: runListSchema,
	RestartedRun: restartedRunSchema,
	RunInstance: runInstanceSchema,
	PurgedRun: purgedRunSchema,
	ApprovalAnswer: approvalAnswerSchema,
	ProgressEvent: progressEventSchema,
	PoolStats: poolStatsSchema,
	Health: healthSchema,
	AdmissionState: admissionStateSchema,
	ApiError: apiErrorSchema,
	Schedule: scheduleDetailSchema,
	ScheduleList: scheduleListSchema,
	DeletedSchedule: deletedScheduleSchema,
	ScheduleSweepReport: scheduleSweepReportSchema,
} satisfies Record<string, z.ZodType>;

/** The name of a schema in `components.schemas`. */
export type ComponentName = keyof typeof REQUEST_BODIES | keyof typeof RESPONSE_BODIES;

/** A `$ref` to a component schema. */
export const ref = (name: ComponentName) => ({ $ref: `#/components/schemas/${name}` });

/**
 * Converts one zod schema the way every schema of the document is converted. The `$schema` keyword
 * is dropped (the document's dialect is 2020-12 already). A schema that comes out with `$defs`
 * (a zod schema registered with an id, or a recursive one) is refused: its `#/$defs/…` refs would
 * point at the document's root once inlined.
 */
export function toJsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
	const { $schema: _dialect, ...converted } = z.toJSONSchema(schema, { target: "draft-2020-12", io }) as JsonSchema;
	if ("$defs" in converted) {
		throw new Error("A schema with $defs cannot be inlined into components; give it its own component instead.");
	}
	return converted;
}

/** `components.schemas`: every request and response body. */
export function componentSchemas(): Record<ComponentName, JsonSchema> {
	const convert = <K extends string>(schemas: Record<K, z.ZodType>, io: "input" | "output") =>
		Object.fromEntries(Object.entries<z.ZodType>(schemas).map(([name, s]) => [name, toJsonSchema(s, io)])) as Record<
			K,
			JsonSchema
		>;
	return { ...convert(REQUEST_BODIES, "input"), ...convert(RESPONSE_BODIES, "output") };
}

/** Query parameters from a zod object schema: one parameter per property, required as the schema says. */
export function queryParameters(schema: z.ZodType): Record<string, unknown>[] {
	const json = toJsonSchema(schema, "input") as { properties?: Record<string, JsonSchema>; required?: string[] };
	return Object.entries(json.properties ?? {}).map(([name, property]) => ({
		name,
		in: "query",
		required: json.required?.includes(name) ?? false,
		...(typeof property.description === "string" ? { description: property.description } : {}),
		schema: property,
	}));
}
