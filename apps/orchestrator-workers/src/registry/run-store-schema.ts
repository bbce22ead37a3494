/**
 * The tables of a run's own store (its RunEvents object's SQLite): the same tables and columns as the
 * D1 registry's (migrations/), so the registry's queries run unchanged on either, holding one run.
 * `runs` has that run's one row; D1 keeps the same row as the index of all runs (run-store-mirror.ts).
 *
 * No foreign keys: every row is the one run's. A change here is a new entry of STORE_MIGRATIONS, as a
 * D1 change is a new migration file.
 */

/** The run's columns the store owns and mirrors to D1's `runs` (D1 alone has `reconciled_at`, `folded`). */
export const RUN_COLUMNS = [
	"id",
	"status",
	"prompt",
	"options",
	"prompt_version",
	"provider",
	"big_model",
	"small_model",
	"plan",
	"result",
	"error_code",
	"error_message",
	"usage",
	"plan_ms",
	"execute_ms",
	"synthesise_ms",
	"created_at",
	"updated_at",
	"cancel_requested",
	"generation",
	"watched", // unused since runs push their own progress (run-events.ts); kept so old rows copy
	"engine_boot",
	"max_tokens",
	"max_cost_usd",
	"waiting_for",
	"estimate",
	"budget_stopped_in",
	"schedule_id",
	"schedule_tick",
	"deployment_version",
] as const;

/** The per-run tables D1 has rows of for every run (written when it is registered), copied when its store opens. */
export const REGISTERED_TABLES = ["events", "run_labels"] as const;

/**
 * The per-run tables D1 only has rows of for runs from before the stores (`runs.store` = 0), copied
 * too for those (see run-store-object.ts).
 */
export const LEGACY_TABLES = ["subtasks", "step_usage", "step_attempts", "budget_reservations"] as const;

const V1 = `
CREATE TABLE runs (
	id TEXT PRIMARY KEY, status TEXT NOT NULL, prompt TEXT NOT NULL, options TEXT NOT NULL,
	prompt_version TEXT NOT NULL, provider TEXT NOT NULL, big_model TEXT NOT NULL, small_model TEXT NOT NULL,
	plan TEXT, result TEXT, error_code TEXT, error_message TEXT, usage TEXT,
	plan_ms INTEGER, execute_ms INTEGER, synthesise_ms INTEGER,
	created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
	cancel_requested INTEGER NOT NULL DEFAULT 0, generation INTEGER NOT NULL DEFAULT 0,
	watched INTEGER NOT NULL DEFAULT 0, engine_boot TEXT,
	max_tokens INTEGER, max_cost_usd REAL, waiting_for TEXT, estimate TEXT, budget_stopped_in INTEGER,
	schedule_id TEXT, schedule_tick TEXT, deployment_version TEXT NOT NULL DEFAULT 'dev'
);
CREATE TABLE subtasks (
	run_id TEXT NOT NULL, id TEXT NOT NULL, position INTEGER NOT NULL, title TEXT NOT NULL,
	executor TEXT NOT NULL, url TEXT, depends_on TEXT NOT NULL, status TEXT NOT NULL,
	attempts INTEGER NOT NULL DEFAULT 0, started_at TEXT, finished_at TEXT, output TEXT,
	truncated INTEGER NOT NULL DEFAULT 0, error_code TEXT, error_message TEXT, usage TEXT,
	source_url TEXT, source_title TEXT, screenshot_key TEXT, progress TEXT, actions TEXT, ensemble TEXT,
	PRIMARY KEY (run_id, id)
);
CREATE TABLE events (
	seq INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT NOT NULL, key TEXT NOT NULL, type TEXT NOT NULL,
	data TEXT NOT NULL, at TEXT NOT NULL, UNIQUE (run_id, key)
);
CREATE TABLE step_usage (
	run_id TEXT NOT NULL, generation INTEGER NOT NULL, step TEXT NOT NULL, attempt INTEGER NOT NULL,
	outcome TEXT NOT NULL, usage TEXT NOT NULL, unknown_calls INTEGER NOT NULL, at TEXT NOT NULL,
	PRIMARY KEY (run_id, generation, step, attempt)
);
CREATE TABLE step_attempts (
	run_id TEXT NOT NULL, generation INTEGER NOT NULL, step TEXT NOT NULL, attempt INTEGER NOT NULL,
	started_at TEXT NOT NULL, finished_at TEXT, outcome TEXT NOT NULL DEFAULT 'running', error_code TEXT,
	PRIMARY KEY (run_id, generation, step, attempt)
);
CREATE TABLE budget_reservations (
	run_id TEXT NOT NULL, generation INTEGER NOT NULL, step TEXT NOT NULL, attempt INTEGER NOT NULL,
	tokens INTEGER NOT NULL, cost_usd REAL NOT NULL, at TEXT NOT NULL,
	PRIMARY KEY (run_id, generation, step)
);
CREATE TABLE run_labels (run_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (run_id, key));
`;

/** The store's schema, version by version: entry i takes a store from version i to i + 1. */
export const STORE_MIGRATIONS: readonly string[] = [V1];
