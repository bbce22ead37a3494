/**
 * Runs `work` over `items` with at most `limit` in flight, in order of `items`. A Worker invocation
 * gets 6 simultaneous outgoing connections in production; going wider only queues inside the runtime
 * (and `wrangler dev` does not enforce the limit, so local runs would not show the problem).
 */
export async function forEachLimit<T>(
	items: readonly T[],
	limit: number,
	work: (item: T) => Promise<void>,
): Promise<void> {
	let next = 0;
	const lane = async () => {
		while (next < items.length) await work(items[next++]!);
	};
	await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
