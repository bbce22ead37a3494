import { z } from "zod";
import { plannedEnsembleSchema } from "./ensemble";

/** How a subtask is carried out. */
export const executorSchema = z
	.enum(["llm", "browser"])
	.describe('"llm": answer with the small model; "browser": read a web page first, then answer from it.');
export type Executor = z.infer<typeof executorSchema>;

/** Which of the two configured models answers a subtask. */
export const modelSizeSchema = z.enum(["small", "big"]);
export type ModelSize = z.infer<typeof modelSizeSchema>;

/**
 * One subtask as the planner model writes it.
 *
 * @remarks Every field is required and nullable rather than optional: OpenAI-style strict JSON-schema
 * mode wants every property listed in `required`.
 */
export const subtaskSchema = z.object({
	id: z
		.string()
		.regex(/^[a-z0-9][a-z0-9-]{0,39}$/, "id must be 1-40 chars of a-z, 0-9 and '-'")
		.describe("Short unique kebab-case id, e.g. 'pricing-a'."),
	title: z.string().min(1).max(200).describe("A short human-readable title."),
	instructions: z.string().min(1).max(4000).describe("What the executor must find out or produce."),
	executor: executorSchema,
	url: z.string().nullable().describe("For browser subtasks: the http(s) URL to open. Otherwise null."),
	dependsOn: z.array(z.string()).describe("Ids of subtasks whose outputs this one needs. Empty if none."),
	agentic: z
		.boolean()
		.nullable()
		.describe(
			"For browser subtasks: true when the goal needs interaction (fill a form, click through). Otherwise null.",
		),
	allowedOrigins: z
		.array(z.string())
		.nullable()
		.describe(
			"For agentic subtasks: other origins (https://host) the agent may go to. Null to stay on the url's site.",
		),
	model: modelSizeSchema
		.nullable()
		.describe(
			'"big" only when the subtask needs the larger model (hard reasoning, long careful writing); otherwise null (the small model).',
		),
	/** For "llm" subtasks: answer several times and combine (vote or debate); null keeps the run's choice. */
	ensemble: plannedEnsembleSchema.nullable(),
});
export type Subtask = z.infer<typeof subtaskSchema>;

/** The planner's output: the subtasks that together answer the prompt. */
export const planSchema = z.object({
	subtasks: z.array(subtaskSchema).min(1).describe("The subtasks, in any order."),
});
export type Plan = z.infer<typeof planSchema>;

/**
 * A plan a person sends (an edited plan on approval): as the planner's, except that `model` and `ensemble`
 * may be left out (the small model, the run's ensemble), since only the model needs every field spelled out.
 */
export const editedPlanSchema = z.object({
	subtasks: z
		.array(
			subtaskSchema.extend({
				model: subtaskSchema.shape.model.default(null),
				ensemble: subtaskSchema.shape.ensemble.default(null),
			}),
		)
		.min(1)
		.describe("The subtasks, in any order."),
});
