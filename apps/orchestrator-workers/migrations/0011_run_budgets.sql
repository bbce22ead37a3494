-- Per-run budgets. The limits start from the run's options and change only when POST /:id/budget
-- raises them; what was spent is the usage ledger (step_usage), so only reservations are new.
ALTER TABLE runs ADD COLUMN max_tokens INTEGER;   -- NULL: no token limit
ALTER TABLE runs ADD COLUMN max_cost_usd REAL;    -- NULL: no cost limit
ALTER TABLE runs ADD COLUMN waiting_for TEXT;     -- 'plan' or 'budget' while status is 'waiting'
ALTER TABLE runs ADD COLUMN estimate TEXT;        -- JSON {tokens, costUsd}: the plan's most, once planned
-- The generation whose budget ran out under onBudgetExceeded "stop": no call of it may start any more,
-- however a replay orders its steps.
ALTER TABLE runs ADD COLUMN budget_stopped_in INTEGER;

-- What a model call may spend, taken before it starts by one conditional INSERT (D1 has one writer,
-- so the check and the insert are atomic even with subtasks in parallel). One row per step: a retry
-- replaces its earlier attempt's row. A row stops counting once the ledger has the usage of its
-- attempt (written in the same batch as the attempt's outcome), so nothing needs deleting.
CREATE TABLE budget_reservations (
	run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
	generation INTEGER NOT NULL,
	step TEXT NOT NULL,
	attempt INTEGER NOT NULL,
	tokens INTEGER NOT NULL,          -- input estimate + the call's max output tokens
	cost_usd REAL NOT NULL,           -- the same at the model's prices (0 without them)
	at TEXT NOT NULL,
	PRIMARY KEY (run_id, generation, step)
);
