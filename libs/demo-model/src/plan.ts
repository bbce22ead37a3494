/**
 * The demo planner: one browser subtask per URL in the request, otherwise two to four model subtasks
 * made from the request's own clauses, chained when the request asks for steps.
 */
import type { Plan, Subtask } from "@ow/schemas";
import { excerpt, urlsIn } from "./prompt-text.ts";

/** What the planner prompt tells the planner. */
export interface DemoPlanInput {
	request: string;
	maxSubtasks: number;
	allowBrowser: boolean;
}

/** Words that make a request a sequence of steps rather than independent parts. */
const STEPS = /\b(steps?|step-by-step|first|then|next|finally|afterwards)\b/i;

/** Used as titles when the request has fewer than two clauses of its own. */
const ASPECTS = ["Key facts", "Context and background", "Trade-offs", "Examples"];

const base = { agentic: null, allowedOrigins: null, model: null, ensemble: null } as const;

/** The request's clauses: sentences, lines, and parts joined by commas, "and" or "then". */
function clausesOf(request: string): string[] {
	const withoutUrls = request.replace(/\bhttps?:\/\/\S+/gi, " ");
	return withoutUrls
		.split(/[.;!?]\s+|\n+|,\s*|\s+(?:and then|then|and)\s+/i)
		.map((part) => part.replace(/^(?:first|then|next|finally|afterwards)\b,?\s*/i, "").trim())
		.filter((part) => part.split(/\s+/).length >= 2 && part.length >= 8);
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** The plan the demo planner writes for `input`. Always valid for the product's plan rules. */
export function demoPlan(input: DemoPlanInput): Plan {
	const limit = Math.max(1, Math.floor(input.maxSubtasks));
	const topic = excerpt(input.request, 200);
	const urls = input.allowBrowser ? urlsIn(input.request) : [];
	if (urls.length > 0) {
		const subtasks = urls.slice(0, limit).map((url, i): Subtask => ({
			...base,
			id: `page-${i + 1}`,
			title: `Read ${excerpt(url, 180)}`,
			instructions: `Open ${url} and report what the page says that bears on: ${topic}`,
			executor: "browser",
			url,
			dependsOn: [],
		}));
		return { subtasks };
	}
	const steps = STEPS.test(input.request);
	const clauses = clausesOf(input.request);
	const count = Math.min(limit, Math.max(2, Math.min(4, clauses.length)));
	const titles = clauses.length >= 2 ? clauses : ASPECTS.map((aspect) => `${aspect}: ${excerpt(input.request, 80)}`);
	const subtasks = titles.slice(0, count).map((title, i): Subtask => {
		const id = `${steps ? "step" : "part"}-${i + 1}`;
		return {
			...base,
			id,
			title: excerpt(`${steps ? `Step ${i + 1}: ` : ""}${capitalised(title)}`, 200),
			instructions: steps
				? `Carry out step ${i + 1} of ${count}${i > 0 ? ", building on the previous step's result" : ""}: ${title}. Overall: ${topic}`
				: `Answer this part of the request: ${title}. Overall: ${topic}`,
			executor: "llm",
			url: null,
			dependsOn: steps && i > 0 ? [`step-${i}`] : [],
		};
	});
	return { subtasks };
}
