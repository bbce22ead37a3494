-- Runs keep their live state in their own store (the RunEvents object's SQLite, src/registry/run-store-object.ts);
-- D1 keeps their row as the index. When a run ends its counters are folded into metric_totals, and
-- `folded` keeps what was folded (JSON), so a retried fold adds nothing twice.
ALTER TABLE runs ADD COLUMN folded TEXT;
-- 1 for runs registered since: their subtasks, attempts, usage and reservations were only ever in
-- their store, so its first use copies the row, labels and first event alone.
ALTER TABLE runs ADD COLUMN store INTEGER NOT NULL DEFAULT 0;
