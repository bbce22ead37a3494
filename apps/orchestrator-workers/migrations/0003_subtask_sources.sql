-- The page a browser subtask read, and the screenshot it stored (an R2 key of the browser harness).
ALTER TABLE subtasks ADD COLUMN source_url TEXT;
ALTER TABLE subtasks ADD COLUMN source_title TEXT;
ALTER TABLE subtasks ADD COLUMN screenshot_key TEXT;
