/**
 * Keeps D1's `runs` row of a run equal to the run's own (run-store-object.ts): after every batch that
 * changed it, the object writes the row to D1, one write at a time and always the newest row, so D1's
 * index can lag a write in flight but never goes back. The batch's caller does not wait for it (that
 * was a D1 round trip on every run's critical path, three times a run): the run's own state, which
 * every status read and step reads, is committed when the batch answers. A write that fails leaves the
 * mirror behind: the run's next batch writes again, and a run that ended, which gets no more batches,
 * is reached by the reconcile sweep (runs/reconcile.ts), whose write through the store syncs it.
 *
 * When the run has ended, the same D1 batch folds what the run's subtasks and model calls add to the
 * metrics into `metric_totals`: the scrape then reads ended runs from D1 alone, and asks only the runs
 * still going (registry-metrics.ts). The fold is guarded by the counters last folded, which D1 keeps
 * on the run (`folded`), so a write that is retried after it committed adds nothing twice, and a run
 * restarted and ended again adds only what changed.
 */
import { TERMINAL_RUN_STATES } from "./run-states";
import { RUN_COLUMNS } from "./run-store-schema";
import { countersToJson, foldRunStatement, runCounters } from "./run-counters";
import type { RunState } from "@ow/schemas";
import { logEvent } from "../log";

const MIRRORED_KEY = "mirroredRow";
const FOLDED_KEY = "foldedCounters";
const ROW_SQL = `SELECT ${RUN_COLUMNS.join(", ")} FROM runs`;

export class RunMirror {
	/** The row as D1 has it (as JSON). */
	#mirrored: string | undefined;

	constructor(
		private readonly ctx: DurableObjectState,
		private readonly env: Env,
		/** The run's store, for the counters a fold adds. */
		private readonly store: D1Database,
	) {}

	/**
	 * The store was just filled from D1's row: that is what D1 has. A run from before the stores (`legacy`)
	 * also has its subtasks and usage in D1, where the metrics count them: they count as folded already.
	 */
	async copied(runId: string, row: Record<string, unknown>, legacy: boolean): Promise<void> {
		this.#mirrored = JSON.stringify(row);
		this.ctx.storage.kv.put(MIRRORED_KEY, this.#mirrored);
		if (!legacy) return;
		const counters = countersToJson(await runCounters(this.store));
		await this.env.DB.prepare("UPDATE runs SET folded = ? WHERE id = ?").bind(counters, runId).run();
		this.ctx.storage.kv.put(FOLDED_KEY, counters);
	}

	/** Reads what was mirrored last (the object may have been evicted since, with a write undone). */
	load(): void {
		this.#mirrored = this.ctx.storage.kv.get<string>(MIRRORED_KEY);
		this.behind = this.#rowJson() !== this.#mirrored;
	}

	/**
	 * D1 may lack a change of the row: a write to D1 is in flight or failed (or the object stopped before
	 * it was made). Then the next batch syncs, whatever it writes: a retried write of the row may change
	 * nothing in the store (the run's end is written once), so it must not wait for one.
	 */
	behind = false;

	/** The write to D1 in flight, if any. */
	#writing: Promise<void> | undefined;
	/** The row changed while a write was in flight, which may have read it before: look again after it. */
	#changedMeanwhile = false;

	/**
	 * Writes the run's row to D1 if it differs from what D1 has; resolves once D1 has it, or once the
	 * write failed (logged; the mirror is then behind). One write at a time: a change made while one is in
	 * flight is written when it ends, so the batches of a busy run do not each read the row again.
	 */
	sync(runId: string): Promise<void> {
		if (this.#writing) {
			this.#changedMeanwhile = true;
			return this.#writing;
		}
		this.#writing = this.#syncNow(runId).finally(() => (this.#writing = undefined));
		return this.#writing;
	}

	async #syncNow(runId: string): Promise<void> {
		do {
			this.#changedMeanwhile = false;
			const json = this.#rowJson();
			if (json === this.#mirrored) {
				this.behind = false;
				return;
			}
			this.behind = true;
			try {
				await this.#write(runId, json);
			} catch (error) {
				logEvent(
					{ msg: "mirroring the run to D1 failed; its next write retries", runId, error: String(error) },
					"warn",
				);
				return;
			}
		} while (this.#changedMeanwhile);
		this.behind = this.#rowJson() !== this.#mirrored;
	}

	#rowJson(): string | undefined {
		const [row] = this.ctx.storage.sql.exec(ROW_SQL).toArray();
		return row && JSON.stringify(row);
	}

	async #write(runId: string, json: string | undefined): Promise<void> {
		if (json === undefined) return;
		const row = JSON.parse(json) as Record<(typeof RUN_COLUMNS)[number], string | number | null>;
		const db = this.env.DB;
		const ended = TERMINAL_RUN_STATES.includes(row.status as RunState);
		const previous = this.ctx.storage.kv.get<string>(FOLDED_KEY) ?? null;
		const counters = ended ? countersToJson(await runCounters(this.store)) : previous;
		const columns = RUN_COLUMNS.filter((c) => c !== "id");
		await db.batch([
			...(ended && counters !== previous ? [foldRunStatement(db, runId, previous, counters!)] : []),
			db
				.prepare(`UPDATE runs SET ${columns.map((c) => `${c} = ?`).join(", ")}, folded = ? WHERE id = ?`)
				.bind(...columns.map((c) => row[c]), counters, runId),
		]);
		this.#mirrored = json;
		this.ctx.storage.kv.put(MIRRORED_KEY, json);
		if (counters !== null) this.ctx.storage.kv.put(FOLDED_KEY, counters);
	}
}
