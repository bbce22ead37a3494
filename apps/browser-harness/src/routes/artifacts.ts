/** `GET /artifacts/:key`: a stored screenshot (keys contain slashes, so the key is the rest of the path). */
import { Hono } from "hono";
import { readArtifact } from "../browse";
import { BrowserHarnessError } from "../errors";
import { methodNotAllowed } from "@ow/http-errors";

/** The artifacts sub-app, mounted at `/artifacts`. */
export const artifacts = new Hono<{ Bindings: Env }>()
	.get("/:key{.+}", async (c) => {
		const key = c.req.param("key");
		const artifact = await readArtifact(c.env.ARTIFACTS, key);
		if (!artifact) throw new BrowserHarnessError("not-found", `No artifact ${key}.`);
		return c.body(artifact.body, 200, {
			"content-type": artifact.contentType,
			"cache-control": "private, max-age=3600",
		});
	})
	.all("/:key{.+}", methodNotAllowed(["GET"]));
