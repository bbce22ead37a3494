-- Delayed and recurring runs (issue 21, parts 1 and 2).
--
-- A delayed run is a run like any other, registered at once with status 'scheduled' and its start
-- time in its options (JSON); nothing new is stored for it here.
--
-- A schedule starts its prompt as a run at each tick of its cron expression. `next_at` is the next
-- tick to fire (UTC, ISO 8601): the sweep fires a schedule whose `next_at` has come, then moves
-- `next_at` past the sweep's time with a compare-and-set on the tick it fired, so ticks missed while
-- nothing swept start one run, late, not one per missed tick. The run of a tick is started under the
-- idempotency key `schedule:<id>:<tick>`, so two sweeps of one tick start one run.
CREATE TABLE schedules (
	id TEXT PRIMARY KEY,
	cron TEXT NOT NULL,
	timezone TEXT NOT NULL,
	prompt TEXT NOT NULL,
	options TEXT NOT NULL,          -- JSON: the run options as given (defaults are resolved per run)
	labels TEXT NOT NULL,           -- JSON: {key: value}, copied onto each run
	paused INTEGER NOT NULL DEFAULT 0,
	next_at TEXT,                   -- NULL while paused
	last_tick_at TEXT,
	last_error_code TEXT,           -- why the last tick started no run (admission closed, MAX_ACTIVE_RUNS …)
	last_error_message TEXT,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE INDEX schedules_due ON schedules (next_at) WHERE paused = 0;
CREATE INDEX schedules_by_created ON schedules (created_at DESC, id DESC);

-- Which schedule started a run, and for which tick (NULL for runs started by a request).
ALTER TABLE runs ADD COLUMN schedule_id TEXT;
ALTER TABLE runs ADD COLUMN schedule_tick TEXT;
CREATE INDEX runs_by_schedule ON runs (schedule_id, created_at DESC) WHERE schedule_id IS NOT NULL;
