-- Every attempt of every step that calls a model or the browser: when it started and ended and how,
-- for the run's timeline (GET /:id/timeline.svg). The start is written in the step's first round trip
-- (with the cancel check), the end after the step, best effort.
CREATE TABLE step_attempts (
	run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
	generation INTEGER NOT NULL,
	step TEXT NOT NULL,
	attempt INTEGER NOT NULL,
	started_at TEXT NOT NULL,
	finished_at TEXT,
	outcome TEXT NOT NULL DEFAULT 'running', -- running | succeeded | failed
	error_code TEXT,
	PRIMARY KEY (run_id, generation, step, attempt)
);

-- How trace exports went (OTEL_EXPORTER_OTLP_ENDPOINT): counters for /metrics, never reset.
CREATE TABLE trace_exports (
	outcome TEXT PRIMARY KEY, -- ok | failed
	batches INTEGER NOT NULL,
	spans INTEGER NOT NULL,
	dropped INTEGER NOT NULL
);
