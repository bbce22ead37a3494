/**
 * Group commit for the registry's writes from a run's steps. The steps of a wave run at once, and
 * each made its own D1 round trips: one to check the cancel flag and announce its attempt, one to
 * record its outcome. D1 runs one query at a time, and every batch has a fixed cost besides its
 * statements (measured locally: about 4 ms of workerd's CPU), so 32 parallel steps paid it 64 times.
 *
 * `groupCommit(db)` is `db` whose `batch` joins the batches that callers start while one is in
 * flight: they go together in the next batch, in the order they were asked for, and each caller gets
 * the results of its own statements. Nothing waits for a timer: a batch asked for when none is in
 * flight leaves at once (on the next microtask, with whatever else was asked in the same turn).
 *
 * Each caller's statements still commit together or not at all (they sit inside one transaction).
 * Should a joined batch fail, each caller's batch is retried alone, so one caller's bad statement
 * never fails another's write.
 */

/** Statements per joined batch: well inside D1's limits, and a failed one is cheap to split. */
const MAX_STATEMENTS = 100;

interface Pending {
	statements: D1PreparedStatement[];
	resolve: (results: D1Result[]) => void;
	reject: (error: unknown) => void;
}

/** `db`, with `batch` joined as the module comment says; everything else is `db`'s own. */
export function groupCommit(db: D1Database): D1Database {
	let queue: Pending[] = [];
	let draining = false;

	const commit = async (taken: Pending[]) => {
		if (taken.length === 1) {
			const [only] = taken as [Pending];
			await db.batch(only.statements).then(only.resolve, only.reject);
			return;
		}
		try {
			const results = await db.batch(taken.flatMap((p) => p.statements));
			let at = 0;
			for (const p of taken) {
				p.resolve(results.slice(at, at + p.statements.length));
				at += p.statements.length;
			}
		} catch (_joined) {
			await Promise.all(taken.map((p) => db.batch(p.statements).then(p.resolve, p.reject)));
		}
	};

	const drain = async () => {
		while (queue.length > 0) {
			let count = 0;
			const cut = queue.findIndex((p) => (count += p.statements.length) > MAX_STATEMENTS);
			const taken = queue.splice(0, Math.max(1, cut === -1 ? queue.length : cut));
			await commit(taken);
		}
		draining = false;
	};

	const batch = (statements: D1PreparedStatement[]) =>
		new Promise<D1Result[]>((resolve, reject) => {
			queue.push({ statements, resolve, reject });
			if (draining) return;
			draining = true;
			queueMicrotask(() => void drain());
		});

	return new Proxy(db, {
		get(target, property) {
			if (property === "batch") return batch;
			const value: unknown = Reflect.get(target, property, target);
			// The binding's methods use private state: they must run on the binding itself.
			return typeof value === "function" ? value.bind(target) : value;
		},
	});
}
