/**
 * The span a step attempt runs in, so what it calls (a model, the browser) can open child spans
 * without every function passing a tracer along. AsyncLocalStorage keeps it per async context:
 * the parallel steps of a wave each see their own.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { Attributes, RunTrace, Span } from "./run-trace";

const current = new AsyncLocalStorage<{ trace: RunTrace; span: Span }>();

/** Runs `work` with `span` as the parent of the spans it opens. */
export function withSpan<T>(trace: RunTrace, span: Span, work: () => Promise<T>): Promise<T> {
	return current.run({ trace, span }, work);
}

/** A child of the current span, or null outside a traced step (tracing off, or not in a step). */
export function childSpan(name: string, attributes: Attributes, kind: 1 | 3 = 3): Span | null {
	const active = current.getStore();
	return active ? active.trace.start(name, attributes, { parent: active.span, kind }) : null;
}

/** Runs `work` in a child span: ended when it settles, failed with `errorTypeOf` when it throws. */
export async function traced<T>(
	name: string,
	attributes: Attributes,
	work: (span: Span | null) => Promise<T>,
	errorTypeOf: (error: unknown) => string,
): Promise<T> {
	const span = childSpan(name, attributes);
	if (!span) return work(null);
	return span.around(() => work(span), errorTypeOf);
}
