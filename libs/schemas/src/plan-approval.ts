import { z } from "zod";
import { editedPlanSchema } from "./subtask-plan";

/**
 * Body of `POST /:id/approve`, and the payload of the Workflow's "plan-approval" event. An approval
 * may carry an edited plan, which is validated like a planned one.
 */
export const planApprovalSchema = z.discriminatedUnion("approved", [
	z.object({ approved: z.literal(true), plan: editedPlanSchema.optional() }).strict(),
	z.object({ approved: z.literal(false), reason: z.string().trim().min(1).max(2000).optional() }).strict(),
]);
export type PlanApproval = z.infer<typeof planApprovalSchema>;

/** The event type the Workflow waits for after planning when `options.approvePlan` is set. */
export const PLAN_APPROVAL_EVENT = "plan-approval";
