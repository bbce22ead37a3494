/**
 * Group commit (registry/group-commit.ts) on the real D1 binding: batches asked for together leave
 * as one, each caller gets its own results, a batch asked for while one is in flight waits for the
 * next, and one caller's failing statement fails only that caller. `countedDb` only counts the
 * binding's batches; every statement runs on D1.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { countedDb } from "./counted-db";
import { groupCommit } from "../src/registry/group-commit";

const insert = (db: D1Database, key: string) => db.prepare("INSERT INTO group_commit_probe (k) VALUES (?)").bind(key);
const count = async (key: string) =>
	(await env.DB.prepare("SELECT COUNT(*) AS n FROM group_commit_probe WHERE k = ?").bind(key).first<{ n: number }>())!
		.n;

beforeAll(async () => {
	await env.DB.prepare("CREATE TABLE IF NOT EXISTS group_commit_probe (k TEXT NOT NULL)").run();
});

describe("group commit", () => {
	it("should send batches asked for in the same turn as one, each caller getting its own results", async () => {
		const { db, batches } = countedDb();
		const joined = groupCommit(db);
		const answers = await Promise.all(
			[1, 2, 3].map((n) => joined.batch([joined.prepare("SELECT ?1 AS n").bind(n), insert(joined, `same-turn-${n}`)])),
		);
		expect(batches).toEqual([6]);
		expect(answers.map((results) => results[0]!.results)).toEqual([[{ n: 1 }], [{ n: 2 }], [{ n: 3 }]]);
		for (const n of [1, 2, 3]) expect(await count(`same-turn-${n}`)).toBe(1);
	});

	it("should hold batches asked for while one is in flight for the next one", async () => {
		const { db, batches } = countedDb();
		const joined = groupCommit(db);
		const first = joined.batch([insert(joined, "in-flight-a")]);
		await Promise.resolve(); // the first batch has left
		await Promise.resolve();
		const later = [joined.batch([insert(joined, "in-flight-b")]), joined.batch([insert(joined, "in-flight-c")])];
		await Promise.all([first, ...later]);
		expect(batches).toEqual([1, 2]);
	});

	it("should fail only the caller whose statement fails, and commit the others", async () => {
		const { db } = countedDb();
		const joined = groupCommit(db);
		const [good, bad, alsoGood] = await Promise.allSettled([
			joined.batch([insert(joined, "isolated-1")]),
			joined.batch([insert(joined, "isolated-2"), joined.prepare("INSERT INTO no_such_table VALUES (1)")]),
			joined.batch([insert(joined, "isolated-3")]),
		]);
		expect(good.status).toBe("fulfilled");
		expect(bad.status).toBe("rejected");
		expect(alsoGood.status).toBe("fulfilled");
		expect(await count("isolated-1")).toBe(1);
		// The failing caller's batch is all or nothing: its good statement did not commit either.
		expect(await count("isolated-2")).toBe(0);
		expect(await count("isolated-3")).toBe(1);
	});

	it("should leave every other method to the binding", async () => {
		const joined = groupCommit(env.DB);
		expect(await joined.prepare("SELECT 41 + 1 AS n").first<{ n: number }>()).toEqual({ n: 42 });
	});
});
