/**
 * A CPU profile of a Worker under `wrangler dev`, through wrangler's DevTools inspector (the Chrome
 * DevTools Protocol's Profiler domain), summed into the functions that used the most time themselves.
 * It sees the Worker's own JavaScript; the engine, D1 and Durable Objects that miniflare runs beside
 * it in the same workerd are outside it, which is what makes it the product's share.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { SourceMap, type SourceMapPayload } from "node:module";
import { createServer } from "node:net";
import path from "node:path";
import { REPO_ROOT } from "@ow/testing";

interface ProfileNode {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
	children?: number[];
}
export interface Profile {
	nodes: ProfileNode[];
	samples: number[];
	timeDeltas: number[];
	startTime: number;
	endTime: number;
}

/**
 * One line of a profile's summary: a function (or a runtime bucket such as "(garbage collector)") and
 * its share of the samples that were not idle. Shares count samples rather than sum their time deltas:
 * workerd samples only while the isolate runs, so a delta also holds the gap before its sample.
 */
export interface ProfileItem {
	name: string;
	samples: number;
	share: number;
}

export interface ProfileSummary {
	/** Samples taken while the isolate ran JavaScript or the runtime's code for it (not "(idle)"). */
	busySamples: number;
	wallMs: number;
	/** The functions with the most samples in themselves. */
	top: ProfileItem[];
	/** The functions with the most samples in them or in what they called: where the self time comes from. */
	inclusive: ProfileItem[];
}

/** Profiles the HTTP-serving Worker of a `wrangler dev` while `body` runs. */
export async function profileWorker<T>(
	inspectorPort: number,
	body: () => Promise<T>,
): Promise<{ value: T; profile: Profile }> {
	const cdp = await connect(await debuggerUrl(inspectorPort));
	try {
		await cdp.send("Profiler.enable");
		await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
		await cdp.send("Profiler.start");
		const value = await body();
		const { profile } = (await cdp.send("Profiler.stop")) as { profile: Profile };
		return { value, profile };
	} finally {
		cdp.close();
	}
}

/** Self time per function, largest first; idle samples are left out of the shares. */
export function summarise(
	profile: Profile,
	nameOf: (frame: ProfileNode["callFrame"]) => string = bundleName,
	limit = 15,
): ProfileSummary {
	const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
	const parent = new Map<number, number>();
	for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
	const self = new Map<string, number>();
	const total = new Map<string, number>();
	let busySamples = 0;
	for (const nodeId of profile.samples) {
		const frame = byNode.get(nodeId)!.callFrame;
		if (frame.functionName === "(idle)") continue;
		busySamples += 1;
		const name = nameOf(frame);
		self.set(name, (self.get(name) ?? 0) + 1);
		// Each function once per sample, however deep it recursed.
		const stack = new Set<string>();
		for (let id: number | undefined = nodeId; id !== undefined; id = parent.get(id)) {
			const f = byNode.get(id)!.callFrame;
			if (f.functionName !== "(root)") stack.add(nameOf(f));
		}
		for (const n of stack) total.set(n, (total.get(n) ?? 0) + 1);
	}
	const ranked = (counts: Map<string, number>, n: number) =>
		[...counts]
			.map(([name, samples]) => ({ name, samples, share: samples / busySamples }))
			.toSorted((a, b) => b.samples - a.samples)
			.slice(0, n);
	return {
		busySamples,
		wallMs: (profile.endTime - profile.startTime) / 1000,
		top: ranked(self, limit),
		inclusive: ranked(total, limit * 3),
	};
}

/** A frame as "function file:line" of the bundle it ran in. */
function bundleName(frame: ProfileNode["callFrame"]): string {
	const fn = frame.functionName || "(anonymous)";
	if (!frame.url) return fn;
	return `${fn} ${frame.url.split("/").at(-1)}:${frame.lineNumber + 1}`;
}

/**
 * Names frames by their source through the bundle's source map (wrangler writes `index.js.map` beside
 * the bundle it serves): "function path/to/module.ts:line", the path from node_modules or the repo.
 */
export function sourceNamer(mapFile: string): (frame: ProfileNode["callFrame"]) => string {
	const map = new SourceMap(JSON.parse(readFileSync(mapFile, "utf8")) as SourceMapPayload);
	return (frame) => {
		const fn = frame.functionName || "(anonymous)";
		// The bundle's frames carry its file name (relative or as a file: URL); the runtime's have schemes of their own.
		if (!/(^|\/)index\.js$/.test(frame.url) || frame.lineNumber < 0) return bundleName(frame);
		const entry = map.findEntry(frame.lineNumber, frame.columnNumber);
		if (!("originalSource" in entry)) return bundleName(frame);
		const source = entry.originalSource.replace(/^.*?(node_modules\/|\.\.\/)+/, "");
		return `${fn} ${source}:${entry.originalLine + 1}`;
	};
}

/** The DevTools WebSocket of the HTTP-serving Worker (wrangler's inspector lists that one only). */
export async function debuggerUrl(inspectorPort: number): Promise<string> {
	const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json()) as {
		webSocketDebuggerUrl: string;
	}[];
	if (!targets[0]) throw new Error(`the inspector on port ${inspectorPort} lists no Worker`);
	return targets[0].webSocketDebuggerUrl;
}

/** A minimal CDP client: numbered requests over one WebSocket, and the events it sends. */
export async function connect(url: string, onEvent: (method: string, params: unknown) => void = () => {}) {
	// wrangler's inspector accepts DevTools from localhost origins only; Node's WebSocket sends none.
	const socket = new WebSocket(url, { headers: { origin: "http://localhost" } } as unknown as string[]);
	await new Promise((resolve, reject) => {
		socket.addEventListener("open", resolve, { once: true });
		socket.addEventListener("error", reject, { once: true });
	});
	let next = 1;
	const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
	socket.addEventListener("message", (event) => {
		const message = JSON.parse(String(event.data)) as {
			id?: number;
			method?: string;
			params?: unknown;
			result?: unknown;
			error?: { message: string };
		};
		if (message.method) onEvent(message.method, message.params);
		const waiter = message.id === undefined ? undefined : pending.get(message.id);
		if (!waiter) return;
		pending.delete(message.id!);
		if (message.error) waiter.reject(new Error(message.error.message));
		else waiter.resolve(message.result);
	});
	return {
		send(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
			const id = next++;
			socket.send(JSON.stringify({ id, method, params }));
			return new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
		},
		close: () => socket.close(),
	};
}

/** A port the OS has free right now (the inspector needs to be told one). */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer().listen(0, "127.0.0.1", () => {
			const { port } = server.address() as { port: number };
			server.close(() => resolve(port));
		});
		server.on("error", reject);
	});
}

/** The source map of the orchestrator's bundle this `wrangler dev` serves (the newest one that has it). */
export function newestBundleMap(): string {
	const tmp = path.join(REPO_ROOT, ".wrangler", "tmp");
	const dirs = readdirSync(tmp)
		.filter((d) => d.startsWith("dev-"))
		.map((d) => path.join(tmp, d))
		.filter((d) => existsSync(path.join(d, "index.js.map")))
		.toSorted((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
	const found = dirs.find((d) => readFileSync(path.join(d, "index.js"), "utf8").includes("OrchestratorWorkflow"));
	if (!found) throw new Error(`no bundle of the orchestrator under ${tmp}`);
	return path.join(found, "index.js.map");
}
