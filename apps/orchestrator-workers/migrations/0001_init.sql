-- The run registry: what GET /:id, GET /runs and the event stream read while a run is in flight.
-- Written from inside Workflow steps; every write is idempotent so a replayed step changes nothing.

CREATE TABLE runs (
	id TEXT PRIMARY KEY,
	status TEXT NOT NULL,
	prompt TEXT NOT NULL,
	options TEXT NOT NULL,          -- JSON: resolved run options
	prompt_version TEXT NOT NULL,
	provider TEXT NOT NULL,
	big_model TEXT NOT NULL,
	small_model TEXT NOT NULL,
	plan TEXT,                      -- JSON: the validated plan
	result TEXT,                    -- JSON: {answer, references}
	error_code TEXT,
	error_message TEXT,
	usage TEXT,                     -- JSON: usage of the whole run
	plan_ms INTEGER,
	execute_ms INTEGER,
	synthesise_ms INTEGER,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE INDEX runs_by_created ON runs (created_at DESC, id DESC);
CREATE INDEX runs_by_status ON runs (status, created_at DESC, id DESC);

CREATE TABLE subtasks (
	run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
	id TEXT NOT NULL,
	position INTEGER NOT NULL,
	title TEXT NOT NULL,
	executor TEXT NOT NULL,
	url TEXT,
	depends_on TEXT NOT NULL,       -- JSON array of ids
	status TEXT NOT NULL,
	attempts INTEGER NOT NULL DEFAULT 0,
	started_at TEXT,
	finished_at TEXT,
	output TEXT,
	truncated INTEGER NOT NULL DEFAULT 0,
	error_code TEXT,
	error_message TEXT,
	usage TEXT,                     -- JSON
	PRIMARY KEY (run_id, id)
);

-- Append-only. `key` names the fact an event records (e.g. "subtask.retried:fetch-a:2"), so writing
-- the same fact twice inserts nothing; `seq` orders events and is the SSE event id.
CREATE TABLE events (
	seq INTEGER PRIMARY KEY AUTOINCREMENT,
	run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
	key TEXT NOT NULL,
	type TEXT NOT NULL,
	data TEXT NOT NULL,             -- JSON
	at TEXT NOT NULL,
	UNIQUE (run_id, key)
);
CREATE INDEX events_by_run ON events (run_id, seq);
