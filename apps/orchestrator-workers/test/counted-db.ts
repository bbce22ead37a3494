/** The real D1 binding, keeping the size of each batch that reaches it (for tests of joined batches). */
import { env } from "cloudflare:workers";

export function countedDb(): { db: D1Database; batches: number[] } {
	const batches: number[] = [];
	const db = new Proxy(env.DB, {
		get(target, property) {
			if (property === "batch")
				return (statements: D1PreparedStatement[]) => {
					batches.push(statements.length);
					return target.batch(statements);
				};
			const value: unknown = Reflect.get(target, property, target);
			return typeof value === "function" ? value.bind(target) : value;
		},
	});
	return { db, batches };
}
