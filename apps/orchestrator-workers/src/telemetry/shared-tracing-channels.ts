/**
 * The AI SDK asks `node:diagnostics_channel` for its telemetry tracing channel on every operation, step
 * and model call (`tracingChannel(name)`, through `process.getBuiltinModule`), only to learn whether
 * anyone subscribes. Under nodejs_compat each ask builds a TracingChannel and its five channels anew:
 * about 4 % of the orchestrator's CPU during 32-subtask runs (bench measurement 7). Channels are
 * shared by name, so one TracingChannel per name is the same to publishers and subscribers alike.
 *
 * `shareTracingChannels()` makes `process.getBuiltinModule("node:diagnostics_channel")` hand out a view
 * of the module whose `tracingChannel` keeps one per name. Only callers of `getBuiltinModule` (the SDK)
 * see it; `import "node:diagnostics_channel"` is untouched.
 */

interface DiagnosticsChannel {
	tracingChannel(nameOrChannels: unknown): unknown;
}

interface NodeProcess {
	getBuiltinModule?: (id: string) => unknown;
}

const DIAGNOSTICS = new Set(["node:diagnostics_channel", "diagnostics_channel"]);
let shared = false;

/** Applies the sharing, once per isolate; does nothing where there is no `process.getBuiltinModule`. */
export function shareTracingChannels(): void {
	const process = (globalThis as { process?: NodeProcess }).process;
	const builtin = process?.getBuiltinModule;
	if (shared || !process || !builtin) return;
	shared = true;
	let view: DiagnosticsChannel | undefined;
	process.getBuiltinModule = (id: string) => {
		const module = builtin.call(process, id);
		if (!DIAGNOSTICS.has(id) || module == null) return module;
		view ??= sharingView(module as DiagnosticsChannel);
		return view;
	};
}

/** `module`, with `tracingChannel(name)` answered from one TracingChannel per name. */
function sharingView(module: DiagnosticsChannel): DiagnosticsChannel {
	const byName = new Map<string, unknown>();
	const tracingChannel = (nameOrChannels: unknown) => {
		if (typeof nameOrChannels !== "string") return module.tracingChannel(nameOrChannels);
		let channel = byName.get(nameOrChannels);
		if (channel === undefined) byName.set(nameOrChannels, (channel = module.tracingChannel(nameOrChannels)));
		return channel;
	};
	return new Proxy(module, {
		get: (target, property, receiver) =>
			property === "tracingChannel" ? tracingChannel : Reflect.get(target, property, receiver),
	});
}
