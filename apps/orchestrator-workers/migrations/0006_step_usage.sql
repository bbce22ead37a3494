-- What each attempt of each model-calling step spent, written when the attempt ends (failed attempts
-- too), in the same batch as the step's outcome. A run's usage is the sum of its rows, so GET /:id
-- shows it growing while the run runs. Keyed by attempt: a replayed or re-recorded step inserts nothing.
CREATE TABLE step_usage (
	run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
	generation INTEGER NOT NULL,    -- the run's generation (restarts) when the attempt ran
	step TEXT NOT NULL,             -- the step's name: plan, subtask:<id>, synthesise …
	attempt INTEGER NOT NULL,
	outcome TEXT NOT NULL,          -- 'succeeded' or 'failed'
	usage TEXT NOT NULL,            -- JSON Usage: the calls whose usage the provider reported
	unknown_calls INTEGER NOT NULL, -- calls that failed with no usage reported (500, timeout)
	at TEXT NOT NULL,
	PRIMARY KEY (run_id, generation, step, attempt)
);
