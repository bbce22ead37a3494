/**
 * A run's own store (its RunEvents Durable Object's SQLite, see the orchestrator's
 * src/registry/run-store-object.ts) as a file under a stopped `wrangler dev`'s persist directory, for
 * tests that make the registry disagree with the engine by hand, as a lost write would.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";

/** Runs `sql` in the store of run `runId`; throws when no object under `persistTo` holds that run. */
export function execInRunStore(persistTo: string, runId: string, sql: string): void {
	const objects = path.join(persistTo, "v3", "do");
	for (const namespace of readdirSync(objects).filter((name) => name.endsWith("-RunEvents"))) {
		const files = readdirSync(path.join(objects, namespace)).filter(
			(name) => name.endsWith(".sqlite") && name !== "metadata.sqlite",
		);
		for (const file of files) {
			const db = new DatabaseSync(path.join(objects, namespace, file));
			try {
				const hasRuns = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'runs'").get();
				if (hasRuns && db.prepare("SELECT 1 FROM runs WHERE id = ?").get(runId)) {
					db.exec(sql);
					return;
				}
			} finally {
				db.close();
			}
		}
	}
	throw new Error(`No store of run ${runId} under ${persistTo}.`);
}
