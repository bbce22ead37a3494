import { zValidator } from "@hono/zod-validator";
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createErrorHandler, methodNotAllowed, onNotFound, validationHook, type AppError } from "./index";

class TestError extends Error implements AppError {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
		readonly retryAfterSeconds?: number,
	) {
		super(message);
	}
}

function app(logged: unknown[]) {
	const hono = new Hono();
	hono.onError(
		createErrorHandler({
			appError: (error) => (error instanceof TestError ? error : undefined),
			logs: (error) => error.status >= 500,
			log: (_c, error) => logged.push(error),
			internalMessage: "Internal error; see the log.",
		}),
	);
	hono.notFound(onNotFound);
	hono.get("/app/:status", (c) => {
		throw new TestError(Number(c.req.param("status")), "busy", "Try later.", 7);
	});
	hono.get("/http", () => {
		throw new HTTPException(413, { message: "too big" });
	});
	hono.get("/bug", () => {
		throw new Error("secret internals");
	});
	hono.get("/only-get", (c) => c.text("ok"));
	hono.all("/only-get", methodNotAllowed(["GET"]));
	hono.post("/body", zValidator("json", z.object({ n: z.number() }), validationHook), (c) => c.text("ok"));
	return hono;
}

const body = async (res: Response) => ((await res.json()) as { error: Record<string, unknown> }).error;

describe("the shared HTTP error handlers", () => {
	it("should answer an app error with its status, code and Retry-After, logging only server faults", async () => {
		const logged: unknown[] = [];
		const res = await app(logged).request("/app/429");
		expect(res.status).toBe(429);
		expect(res.headers.get("Retry-After")).toBe("7");
		expect(await body(res)).toEqual({ code: "busy", message: "Try later." });
		expect(logged).toHaveLength(0);
		expect((await app(logged).request("/app/503")).status).toBe(503);
		expect(logged).toHaveLength(1);
	});

	it("should map Hono's HTTPExceptions to codes", async () => {
		const res = await app([]).request("/http");
		expect(res.status).toBe(413);
		expect(await body(res)).toEqual({ code: "body-too-large", message: "too big" });
	});

	it("should hide an unclassified error's message and log it", async () => {
		const logged: unknown[] = [];
		const res = await app(logged).request("/bug");
		expect(res.status).toBe(500);
		expect(await body(res)).toEqual({ code: "internal", message: "Internal error; see the log." });
		expect(logged).toHaveLength(1);
	});

	it("should answer 404, 405 with Allow, and 400 with the validation issues", async () => {
		const hono = app([]);
		expect(await body(await hono.request("/nowhere"))).toMatchObject({ code: "not-found" });
		const wrongMethod = await hono.request("/only-get", { method: "DELETE" });
		expect(wrongMethod.status).toBe(405);
		expect(wrongMethod.headers.get("Allow")).toBe("GET");
		const invalid = await hono.request("/body", {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ n: "one" }),
		});
		expect(invalid.status).toBe(400);
		expect(await body(invalid)).toMatchObject({ code: "invalid-request", details: [{ path: "n" }] });
	});
});
