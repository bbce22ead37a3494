/**
 * Joining calls that arrive while one is in flight: the mechanism behind group commit and the joined
 * cancel check. A call asked for when none is in flight leaves on the next microtask (with whatever
 * else was asked in the same turn), or, for an item that waits for others, once the thread has run
 * the tasks queued before it; calls asked for meanwhile wait, and leave together as the next one, in
 * the order they were asked for. Should a joined call fail, each item is retried alone, so one item's
 * failure fails only its own caller.
 */

export interface JoinedCalls<I, O> {
	/** How many of the waiting items (at least one) the next call takes. */
	take: (waiting: readonly I[]) => number;
	/** One call for several items: an answer per item, in order. */
	joined: (items: I[]) => Promise<O[]>;
	/** The call for one item on its own. */
	alone: (item: I) => Promise<O>;
}

export interface JoinOptions {
	/**
	 * Leave only once the thread has run the tasks queued before this one (a timer of 0), not on the
	 * next microtask, so that items other tasks are about to ask for join it. For the parallel steps of
	 * a wave: the engine starts them one after another on the same thread, and their model requests
	 * leave only when that thread has nothing else to run, so their checks lose nothing by waiting for
	 * each other and go as one call instead of one each.
	 */
	waitForOthers?: boolean;
}

interface Waiting<I, O> {
	item: I;
	resolve: (answer: O) => void;
	reject: (error: unknown) => void;
}

/** A function that asks for one item's answer, joined with the others as the module comment says. */
export function joinedCalls<I, O>(calls: JoinedCalls<I, O>): (item: I, options?: JoinOptions) => Promise<O> {
	const queue: Waiting<I, O>[] = [];
	let draining = false;

	const call = async (taken: Waiting<I, O>[]) => {
		if (taken.length === 1) {
			const [only] = taken as [Waiting<I, O>];
			await calls.alone(only.item).then(only.resolve, only.reject);
			return;
		}
		try {
			const answers = await calls.joined(taken.map((w) => w.item));
			taken.forEach((w, i) => w.resolve(answers[i]!));
		} catch (_joined) {
			await Promise.all(taken.map((w) => calls.alone(w.item).then(w.resolve, w.reject)));
		}
	};

	const drain = async () => {
		while (queue.length > 0) {
			const count = Math.max(1, calls.take(queue.map((w) => w.item)));
			await call(queue.splice(0, count));
		}
		draining = false;
	};

	return (item, { waitForOthers = false } = {}) =>
		new Promise<O>((resolve, reject) => {
			queue.push({ item, resolve, reject });
			if (draining) return;
			draining = true;
			if (waitForOthers) setTimeout(() => void drain(), 0);
			else queueMicrotask(() => void drain());
		});
}
