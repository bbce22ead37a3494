-- The Worker version that took each run (Workers version metadata; 'dev' where none is bound).
ALTER TABLE runs ADD COLUMN deployment_version TEXT NOT NULL DEFAULT 'dev';

-- The caller's labels of each run (options.labels), one row per label. GET /runs?label=k:v filters
-- with one indexed lookup per label (AND), and the status reads a run's labels by its key.
CREATE TABLE run_labels (
	run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
	key TEXT NOT NULL,
	value TEXT NOT NULL,
	PRIMARY KEY (run_id, key)
);
CREATE INDEX run_labels_by_label ON run_labels (key, value, run_id);

-- The admission switch (POST /admission): one row once set; no row means open. Read in the same
-- batch that registers new runs, so a closed switch costs no extra round trip.
CREATE TABLE admission (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	open INTEGER NOT NULL,
	reason TEXT,
	retry_after_seconds INTEGER NOT NULL,
	updated_at TEXT NOT NULL
);
