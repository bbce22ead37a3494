/**
 * Live progress of a run (`GET /:id/events`): Server-Sent Events, or a WebSocket with
 * `Upgrade: websocket`. Both first send what the client missed (after Last-Event-ID, else `?after=`,
 * else from the start), then live events, each with its seq as id.
 */
import { operation } from "../openapi/operation";
import { zValidator } from "@hono/zod-validator";
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { z } from "zod";
import { methodNotAllowed, validationHook } from "@ow/http-errors";
import { readProgressEvents } from "../progress/progress-log";
import { connectRequest } from "../progress/run-events";
import { isRunOver, readRunState } from "../progress/run-lifecycle";
import { streamProgress } from "../progress/sse-stream";
import { notFound } from "../runs/run-state";
import { runIdParam } from "./run-id";
import { logEvent } from "../log";
import { runObject, runStore } from "../registry/run-store";

const seq = z
	.string()
	.regex(/^\d{1,15}$/, "must be an event id (a non-negative integer)")
	.transform(Number);
const resumeHeader = z.object({ "last-event-id": seq.optional() });
const resumeQuery = z.object({ after: seq.optional() });

/** The `/:id/events` routes; mounted with `app.route("/", events)`. */
export const events = new Hono<{ Bindings: Env }>()
	.get(
		"/:id/events",
		operation({
			operationId: "runEvents",
			tag: "events",
			summary: "Live progress",
			description:
				"Server-Sent Events, or a WebSocket with `Upgrade: websocket`. First what the client missed (after Last-Event-ID, else `?after=`, else from the start), then live events; each event's id is its seq and its data a ProgressEvent. While the synthesis runs, its answer arrives as it is written: `synthesis.delta` events (`data: {text}`, in order) and, when an attempt starts over, `synthesis.reset` (discard the text so far); after the latest reset the deltas add up to the answer that `run.completed` carries. They are live only (never in the log): over SSE they have no id, and their seq is that of the last logged event. Browsers, which cannot set headers here, may pass the key as `?access_token=`.",
			headers: [
				{
					name: "Last-Event-ID",
					description: "Resume after this event (EventSource sends it on reconnect).",
					schema: { type: "string", pattern: "^\\d{1,15}$" },
				},
			],
			extraQuery: [
				{
					name: "after",
					description: "Resume after this event seq.",
					schema: { type: "string", pattern: "^\\d{1,15}$" },
				},
				{
					name: "access_token",
					description: "The API key, for clients that cannot send headers.",
					schema: { type: "string" },
				},
			],
			responses: {
				101: {
					description: "WebSocket (request sent with `Upgrade: websocket`): one ProgressEvent as JSON per message.",
					extensions: { "x-message-schema": { $ref: "#/components/schemas/ProgressEvent" } },
				},
				200: {
					description: "The event stream.",
					body: { mediaType: "text/event-stream", schema: { type: "string" } },
					extensions: { "x-event-data-schema": { $ref: "#/components/schemas/ProgressEvent" } },
				},
				204: { description: "The run is over and the client has every event: stop reconnecting." },
			},
			errors: [400, 404],
		}),
		runIdParam,
		zValidator("header", resumeHeader, validationHook),
		zValidator("query", resumeQuery, validationHook),
		async (c) => {
			const { id } = c.req.valid("param");
			const after = c.req.valid("header")["last-event-id"] ?? c.req.valid("query").after ?? 0;
			if ((await readRunState(runStore(c.env, id), id)) === null) throw notFound(id);
			if (c.req.header("Upgrade")?.toLowerCase() === "websocket") {
				const res = await runObject(c.env, id).fetch(connectRequest(c.req.raw, id, after));
				// A fetched response has immutable headers; middleware that adds some needs a fresh one.
				return res.webSocket
					? new Response(null, { status: 101, webSocket: res.webSocket, headers: res.headers })
					: res;
			}
			// 204 tells an EventSource to stop reconnecting: the run is over and the client has it all. The
			// status is read first, so an event written in between is not missed.
			if ((await isRunOver(c.env, id)) && (await readProgressEvents(runStore(c.env, id), id, after, 1)).length === 0) {
				return c.body(null, 204);
			}
			return streamSSE(c, async (stream) => {
				try {
					await streamProgress(stream, c.env, id, after);
				} catch (error) {
					// The stream ends; the client reconnects with Last-Event-ID and misses nothing.
					logEvent({ msg: "event stream failed", runId: id, error: String(error) }, "error");
				}
			});
		},
	)
	.all("/:id/events", methodNotAllowed(["GET"]));
