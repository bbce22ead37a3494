/**
 * The AI SDK's tracing channel, asked for on every call: one per name under nodejs_compat in workerd
 * (src/telemetry/shared-tracing-channels.ts), and still the channel its subscribers listen on.
 */
import { describe, expect, it } from "vitest";
import { createModels } from "../src/models";
import { shareTracingChannels } from "../src/telemetry/shared-tracing-channels";

interface TracingChannel {
	subscribe(handlers: Record<string, (message: unknown) => void>): void;
	unsubscribe(handlers: Record<string, (message: unknown) => void>): void;
	tracePromise<T>(fn: () => Promise<T>, context: object): Promise<T>;
	hasSubscribers: boolean;
}
interface Diagnostics {
	tracingChannel(name: string): TracingChannel;
}

/** The module as the SDK gets it. */
const asTheSdkGetsIt = () =>
	(globalThis as unknown as { process: { getBuiltinModule(id: string): Diagnostics } }).process.getBuiltinModule(
		"node:diagnostics_channel",
	);

describe("the SDK's tracing channels", () => {
	it("should hand out one tracing channel per name once models are made", () => {
		createModels({ MODEL_PROVIDER: "demo" } as unknown as Env);
		const dc = asTheSdkGetsIt();
		expect(dc.tracingChannel("aisdk:test")).toBe(dc.tracingChannel("aisdk:test"));
		expect(dc.tracingChannel("aisdk:test")).not.toBe(dc.tracingChannel("aisdk:other"));
	});

	it("should still reach the subscribers of the channel's name", async () => {
		shareTracingChannels();
		const dc = asTheSdkGetsIt();
		const heard: unknown[] = [];
		const handlers = { start: (message: unknown) => heard.push(message) };
		// A subscriber that asked for the channel before, as a tracing library would at its start.
		const listening = dc.tracingChannel("aisdk:subscribed");
		listening.subscribe(handlers);
		try {
			const context = { operation: "generateText" };
			const shared = dc.tracingChannel("aisdk:subscribed");
			expect(shared.hasSubscribers).toBe(true);
			await expect(shared.tracePromise(async () => "answer", context)).resolves.toBe("answer");
			expect(heard).toEqual([context]);
		} finally {
			listening.unsubscribe(handlers);
		}
	});
});
