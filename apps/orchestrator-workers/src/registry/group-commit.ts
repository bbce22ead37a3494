/**
 * Group commit for the registry's writes from a run's steps. The steps of a wave run at once, and
 * each made its own D1 round trips: one to check the cancel flag and announce its attempt, one to
 * record its outcome. D1 runs one query at a time, and every batch has a fixed cost besides its
 * statements (measured locally: about 4 ms of workerd's CPU), so 32 parallel steps paid it 64 times.
 *
 * `groupCommit(db)` is `db` whose `batch` joins the batches that callers start while one is in
 * flight (joined-calls.ts): they go together in the next batch, in the order they were asked for, and
 * each caller gets the results of its own statements.
 *
 * Each caller's statements still commit together or not at all (they sit inside one transaction).
 * Should a joined batch fail, each caller's batch is retried alone, so one caller's bad statement
 * never fails another's write.
 */
import { joinedCalls } from "./joined-calls";

/** Statements per joined batch: well inside D1's limits, and a failed one is cheap to split. */
const MAX_STATEMENTS = 100;

/** `db`, with `batch` joined as the module comment says; everything else is `db`'s own. */
export function groupCommit(db: D1Database): D1Database {
	const batch = joinedCalls<D1PreparedStatement[], D1Result[]>({
		take: (batches) => {
			let count = 0;
			const over = batches.findIndex((statements) => (count += statements.length) > MAX_STATEMENTS);
			return over === -1 ? batches.length : over;
		},
		joined: async (batches) => {
			const results = await db.batch(batches.flat());
			let at = 0;
			return batches.map((statements) => results.slice(at, (at += statements.length)));
		},
		alone: (statements) => db.batch(statements),
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
