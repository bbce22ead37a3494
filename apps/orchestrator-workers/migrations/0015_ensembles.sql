-- Ensemble subtasks (options.ensemble, or the plan's per subtask): the samples of a vote or the rounds
-- of a debate, with their agreement, as GET /:id shows them. JSON, written with the subtask's outcome.
ALTER TABLE subtasks ADD COLUMN ensemble TEXT;
