-- Recovery and retention.

-- The boot id of the process whose Workflow engine last started a step of the run (see
-- src/runs/engine-boot.ts): under wrangler dev, a run marked by an earlier boot has lost its engine.
ALTER TABLE runs ADD COLUMN engine_boot TEXT;

-- The updated_at of a finished run at which the sweep found its Workflow instance ended too. A run
-- whose value differs (never checked, or finished again after a restart) is checked once more.
ALTER TABLE runs ADD COLUMN reconciled_at TEXT;

-- Finished runs oldest first: the retention sweep and the engine check of finished runs.
CREATE INDEX runs_by_status_updated ON runs (status, updated_at, id);

-- Metric totals of deleted runs, so /metrics counters never go down when retention or a purge
-- deletes rows: a deletion adds what its rows counted here, in the same batch.
CREATE TABLE metric_totals (
	key TEXT PRIMARY KEY,           -- e.g. "runs_created", "subtasks:llm:succeeded", "model_calls:big"
	value REAL NOT NULL
);
