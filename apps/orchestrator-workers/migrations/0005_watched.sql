-- Set once a WebSocket client has watched the run live. Until then its Workflow writes progress to the
-- event log only and skips the push to the run's RunEvents object: a push nobody receives still costs
-- a Durable Object call per write. SSE clients read the log themselves.
ALTER TABLE runs ADD COLUMN watched INTEGER NOT NULL DEFAULT 0;
