/**
 * The baseline Worker: `POST / {prompt}` starts a one-step baseline run (202 with its id), `GET /:id`
 * reads the instance's status. Errors use the product's JSON envelope and handlers.
 */
import { zValidator } from "@hono/zod-validator";
import { Hono } from "hono";
import { z } from "zod";
import { errorResponse, methodNotAllowed, onNotFound, validationHook } from "@ow/http-errors";
import { onError } from "../../src/http/errors";
import type { BaselineEnv } from "./types";

export { OneStepBaselineWorkflow } from "./one-step-workflow";

const startSchema = z.object({ prompt: z.string().min(1).max(20_000) }).strict();
/** Instance ids this Worker hands out. */
const idSchema = z.object({ id: z.uuid() });

const app = new Hono<{ Bindings: BaselineEnv }>()
	.post("/", zValidator("json", startSchema, validationHook), async (c) => {
		const instance = await c.env.ONE_STEP_BASELINE.create({ id: crypto.randomUUID(), params: c.req.valid("json") });
		return c.json({ id: instance.id, details: await instance.status() }, 202);
	})
	.all("/", methodNotAllowed(["POST"]))
	.get("/:id", zValidator("param", idSchema, validationHook), async (c) => {
		const { id } = c.req.valid("param");
		let instance: WorkflowInstance;
		try {
			instance = await c.env.ONE_STEP_BASELINE.get(id);
		} catch (_error) {
			// `get` throws for an id the Workflow never created; that is the only way to tell.
			return errorResponse(c, 404, "not-found", `No baseline run ${id}.`);
		}
		return c.json({ id, ...(await instance.status()) });
	})
	.all("/:id", methodNotAllowed(["GET"]));

app.onError(onError);
app.notFound(onNotFound);

export default { fetch: app.fetch } satisfies ExportedHandler<BaselineEnv>;
