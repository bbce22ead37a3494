/**
 * The run's live state, kept by its own Durable Object (RunEvents) in its SQLite storage: the run's
 * row, subtasks, event log, usage ledger, step attempts and budget reservations. Every write a run makes
 * while it runs lands here, in the run's object, not in the one D1 database every run shares, so the
 * registry's load per run no longer grows with the run's width and runs do not queue behind each other.
 *
 * D1 stays the index of all runs (lists, labels, admission, metrics, retention): the run's row is
 * mirrored there whenever it changes, which is a handful of times per run whatever its width (start,
 * status changes, end), and a run that ends folds its counters into D1's metric totals in the same
 * write (run-store-mirror.ts).
 *
 * A store opens on first use: it creates its tables and copies the run's rows from D1, which is where
 * a new run is registered (and where runs from before the store kept everything). A run D1 does not
 * know opens nothing: every statement sees empty tables and no storage is written.
 */
import type { SqlResult, SqlStatement } from "./sql-database";
import { sqlDatabase } from "./sql-database";
import { LEGACY_TABLES, REGISTERED_TABLES, RUN_COLUMNS, STORE_MIGRATIONS } from "./run-store-schema";
import { RunMirror } from "./run-store-mirror";

const VERSION_KEY = "storeVersion";
const NOTHING: SqlResult = { rows: [], changes: 0 };

export class RunSqlStore {
	#opened = false;
	readonly #mirror: RunMirror;

	constructor(
		private readonly ctx: DurableObjectState,
		private readonly env: Env,
	) {
		this.#mirror = new RunMirror(
			ctx,
			env,
			sqlDatabase(async (batch) => this.#transaction(batch)),
		);
	}

	/** This store as a `D1Database`, for the registry's queries made inside the object. */
	database(runId: string): D1Database {
		return sqlDatabase((batch) => this.execute(runId, batch));
	}

	/**
	 * Runs `batch` as one transaction on the run's tables and answers once it committed; if the batch
	 * changed the run's row, the row goes to D1 after that (see run-store-mirror.ts). For a run D1 does
	 * not know, every statement sees no rows.
	 */
	async execute(runId: string, batch: SqlStatement[]): Promise<SqlResult[]> {
		if (!(await this.open(runId))) return batch.map(() => NOTHING);
		const results = this.#transaction(batch);
		if (this.#mirror.behind || changesRun(batch, results)) this.ctx.waitUntil(this.#mirror.sync(runId));
		return results;
	}

	/** Opens the store (see the module comment); false when the run is not in D1. */
	async open(runId: string): Promise<boolean> {
		if (this.#opened) return true;
		return this.ctx.blockConcurrencyWhile(async () => {
			if (this.#opened) return true;
			const version = this.ctx.storage.kv.get<number>(VERSION_KEY) ?? 0;
			if (version === 0) {
				if (!(await this.#copyFromD1(runId))) return false;
			} else {
				this.ctx.storage.transactionSync(() => this.#migrate(version));
			}
			this.#mirror.load();
			this.#opened = true;
			return true;
		});
	}

	/** Deletes everything the object stores (the run was deleted from the registry). */
	async purge(): Promise<void> {
		await this.ctx.storage.deleteAll();
		this.#opened = false;
	}

	/** Brings the tables to the newest version; call inside a transaction. */
	#migrate(from: number): void {
		for (const ddl of STORE_MIGRATIONS.slice(from)) this.ctx.storage.sql.exec(ddl);
		this.ctx.storage.kv.put(VERSION_KEY, STORE_MIGRATIONS.length);
	}

	/**
	 * Creates the tables and copies the run's rows from D1, all in one transaction; false (and nothing
	 * written) when D1 has no such run.
	 */
	async #copyFromD1(runId: string): Promise<boolean> {
		const [found, ...registered] = await readRows(this.env.DB, runId, REGISTERED_TABLES, [
			`SELECT ${RUN_COLUMNS.join(", ")}, store FROM runs WHERE id = ?`,
		]);
		const { store, ...row } = found?.[0] ?? {};
		if (store === undefined) return false;
		const legacy = store === 1 ? [] : await readRows(this.env.DB, runId, LEGACY_TABLES);
		const copied = [...REGISTERED_TABLES, ...(store === 1 ? [] : LEGACY_TABLES)];
		this.ctx.storage.transactionSync(() => {
			this.#migrate(0);
			insertRows(this.ctx.storage.sql, "runs", [row]);
			[...registered, ...legacy].forEach((rows, i) => insertRows(this.ctx.storage.sql, copied[i]!, rows));
		});
		await this.#mirror.copied(
			runId,
			row,
			legacy.some((rows) => rows.length > 0),
		);
		return true;
	}

	/**
	 * Runs the statements in one transaction: all of them or, if one throws, none. A statement's
	 * `changes` is the rows it wrote (callers only ask whether it wrote any, which is the same).
	 */
	#transaction(batch: SqlStatement[]): SqlResult[] {
		const { sql } = this.ctx.storage;
		return this.ctx.storage.transactionSync(() =>
			batch.map(({ sql: text, params }) => {
				const cursor = sql.exec(text, ...params);
				const rows = cursor.toArray() as SqlResult["rows"];
				return { rows, changes: cursor.rowsWritten };
			}),
		);
	}
}

/** A statement that writes the `runs` table: only those can change what D1 mirrors. */
const WRITES_RUN =
	/^\s*(?:UPDATE\s+(?:OR\s+\w+\s+)?runs\b|INSERT\s+(?:OR\s+\w+\s+)?INTO\s+runs\b|DELETE\s+FROM\s+runs\b)/i;

function changesRun(batch: SqlStatement[], results: SqlResult[]): boolean {
	return batch.some((statement, i) => (results[i]?.changes ?? 0) > 0 && WRITES_RUN.test(statement.sql));
}

type Row = Record<string, SqlStorageValue>;

/** The run's rows of each of `tables` (after the rows of each of `first`), in one D1 batch. */
async function readRows(
	db: D1Database,
	runId: string,
	tables: readonly string[],
	first: string[] = [],
): Promise<Row[][]> {
	const results = await db.batch<Row>([
		...first.map((sql) => db.prepare(sql).bind(runId)),
		...tables.map((table) => db.prepare(`SELECT * FROM ${table} WHERE run_id = ?`).bind(runId)),
	]);
	return results.map((r) => r.results);
}

function insertRows(sql: SqlStorage, table: string, rows: Record<string, SqlStorageValue>[]): void {
	for (const row of rows) {
		const columns = Object.keys(row);
		sql.exec(
			`INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`,
			...columns.map((c) => row[c]),
		);
	}
}
