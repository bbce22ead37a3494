/**
 * A `D1Database` whose statements run somewhere else: in a run's own SQLite Durable Object (see
 * run-store.ts). The registry's modules are written against D1's API (prepare, bind, first, all, run,
 * batch); giving them this instead moves a run's live state out of D1 without rewriting one query.
 *
 * Only the parts of the API the registry uses are here; the others throw, so a new use shows at once.
 * A batch is one transaction, as in D1: every statement or none.
 */

/** One statement as it crosses to the database: its text and bound values. */
export interface SqlStatement {
	sql: string;
	params: SqlValue[];
}

export type SqlValue = string | number | null | ArrayBuffer;

/** What one statement gave: its rows (as objects), and the rows it wrote. */
export interface SqlResult {
	rows: Record<string, SqlValue>[];
	changes: number;
}

/** Runs a batch of statements as one transaction. */
export type SqlExecutor = (batch: SqlStatement[]) => Promise<SqlResult[]>;

/** D1 turns these into SQL values; a bound `undefined` is a mistake, as it is in D1. */
function sqlValue(value: unknown, index: number, sql: string): SqlValue {
	if (value === null || typeof value === "string" || typeof value === "number" || value instanceof ArrayBuffer) {
		return value;
	}
	if (typeof value === "boolean") return value ? 1 : 0;
	throw new TypeError(`bind: parameter ${index + 1} of "${sql.slice(0, 60)}" is ${typeof value}, not a SQL value`);
}

function d1Result<T>(result: SqlResult | undefined): D1Result<T> {
	return {
		success: true,
		results: (result?.rows ?? []) as T[],
		meta: {
			duration: 0,
			size_after: 0,
			rows_read: 0,
			rows_written: result?.changes ?? 0,
			last_row_id: 0, // not kept: the registry never asks for it
			changed_db: (result?.changes ?? 0) > 0,
			changes: result?.changes ?? 0,
		},
	};
}

class Statement {
	constructor(
		readonly database: SqlDatabase,
		readonly sql: string,
		readonly params: SqlValue[] = [],
	) {}

	bind(...values: unknown[]): Statement {
		return new Statement(
			this.database,
			this.sql,
			values.map((value, i) => sqlValue(value, i, this.sql)),
		);
	}

	async first<T>(column?: string): Promise<T | null> {
		const [result] = await this.database.execute([this]);
		const row = result?.rows[0];
		if (!row) return null;
		return (column === undefined ? row : row[column]) as T;
	}

	async all<T>(): Promise<D1Result<T>> {
		const [result] = await this.database.execute([this]);
		return d1Result<T>(result);
	}

	async run<T>(): Promise<D1Result<T>> {
		return this.all<T>();
	}

	async raw<T extends unknown[]>(options?: { columnNames?: boolean }): Promise<T[]> {
		const [result] = await this.database.execute([this]);
		const rows = result?.rows ?? [];
		const values = rows.map((row) => Object.values(row) as T);
		const names = Object.keys(rows[0] ?? {}) as T;
		return options?.columnNames ? [names, ...values] : values;
	}
}

class SqlDatabase {
	constructor(readonly executor: SqlExecutor) {}

	prepare(sql: string): Statement {
		return new Statement(this, sql);
	}

	async batch<T>(statements: Statement[]): Promise<D1Result<T>[]> {
		const results = await this.execute(statements);
		return statements.map((_s, i) => d1Result<T>(results[i]));
	}

	execute(statements: Statement[]): Promise<SqlResult[]> {
		for (const statement of statements) {
			// A statement prepared on D1 (env.DB) would run here against the wrong tables.
			if (!(statement instanceof Statement)) throw new TypeError("batch: a statement prepared on another database");
		}
		return this.executor(statements.map(({ sql, params }) => ({ sql, params })));
	}

	exec(): never {
		throw new TypeError("exec: not supported by a run's store; use prepare");
	}

	dump(): never {
		throw new TypeError("dump: not supported by a run's store");
	}

	withSession(): never {
		throw new TypeError("withSession: not supported by a run's store");
	}
}

/** A `D1Database` whose batches `executor` runs. */
export function sqlDatabase(executor: SqlExecutor): D1Database {
	return new SqlDatabase(executor) as unknown as D1Database;
}
