-- Run lifecycle: idempotent creation, cancellation, restarts.

-- A run created with an Idempotency-Key keeps the key and a hash of its request, so a retry with the
-- same body finds it and one with another body is refused.
ALTER TABLE runs ADD COLUMN idempotency_key TEXT;
ALTER TABLE runs ADD COLUMN request_hash TEXT;
CREATE UNIQUE INDEX runs_by_idempotency_key ON runs (idempotency_key) WHERE idempotency_key IS NOT NULL;

-- Set by DELETE /:id before the instance is terminated; every step that would call a model or the
-- browser checks it first.
ALTER TABLE runs ADD COLUMN cancel_requested INTEGER NOT NULL DEFAULT 0;

-- Bumped by every restart. Event keys are scoped by it, so the events of a restarted run are new
-- facts, while a replayed step within one generation still writes nothing twice.
ALTER TABLE runs ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;
