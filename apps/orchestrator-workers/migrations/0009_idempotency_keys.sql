-- Idempotency keys get a table of their own, so a key can expire (IDEMPOTENCY_TTL_HOURS) and name a
-- new run afterwards, and so a request still creating its run is told apart from one that finished.
-- `generation` counts the runs a key has named; it is part of the run id derived from the key, so a
-- reused key never names an id the Workflow engine already knows. `state` is 'creating' while the
-- run's Workflow instance is being created, 'started' once it is, and 'released' when the request
-- failed (429, 503): the key is then free to retry.
CREATE TABLE idempotency_keys (
	key TEXT PRIMARY KEY,
	request_hash TEXT NOT NULL,
	run_id TEXT NOT NULL,
	generation INTEGER NOT NULL,
	state TEXT NOT NULL,
	created_at TEXT NOT NULL
);

INSERT INTO idempotency_keys (key, request_hash, run_id, generation, state, created_at)
SELECT idempotency_key, COALESCE(request_hash, ''), id, 0, 'started', created_at
FROM runs WHERE idempotency_key IS NOT NULL;

-- The runs no longer hold keys: the unique index would stop an expired key from naming a new run.
DROP INDEX runs_by_idempotency_key;
ALTER TABLE runs DROP COLUMN idempotency_key;
ALTER TABLE runs DROP COLUMN request_hash;
